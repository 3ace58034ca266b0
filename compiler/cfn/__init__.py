"""CloudFormation backend: one module per nested stack, each a pure `build_<stack>(ir)`."""
