"""data-<stage>.yaml: a stage's stores (`stack`), one module per kind of store (tables,
database, cache, buckets), and the outputs that carry their coordinates (`outputs`)."""
