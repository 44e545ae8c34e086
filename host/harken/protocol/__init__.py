"""Pure wire models and codecs: no I/O, no clocks, no threads."""
