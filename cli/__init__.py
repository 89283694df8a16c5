"""newsdedup command line: argument parsing, I/O and rendering over the ``core`` library."""
