"""Crosswalks between frameworks: the relationship algebra, inference and coverage, and the curated
mapping sets as data files."""
