"""What every nested stack builds the same way: tags, roles, names, outputs, log groups and
inline functions."""
