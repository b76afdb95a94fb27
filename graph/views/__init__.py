"""The service's vocabulary: plain, immutable views of what it answers (`read`) and of what its writes take and
give back (`write`). Every interface renders these its own way; they import nothing else of `graph`."""
