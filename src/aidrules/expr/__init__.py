"""The expression language: parser, types, checker and compiler."""
