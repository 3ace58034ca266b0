"""graph: the architecture diagram of a stack, drawn from the IR (never from templates).

`describe.describe_stack` turns a StackIR into an `ArchitectureGraph` (components, the
groups they sit in, the flows between them, labels carrying the decisions and the
monthly estimate of `compiler.cost`); `dot` and `mermaid` write it as text with no
dependency; `icons` draws PNG/SVG with the AWS icons of the `diagrams` package through
Graphviz (the optional extra `tinystack[graph]`).
"""
