"""Bounded readers of untrusted documents, shared by rule sets, cases and the registry.

The bottom layer with :mod:`aidrules.limits` and :mod:`aidrules.errors`: it imports nothing else
of aidrules. :mod:`aidrules.readers.yamlload` composes YAML inertly, within the limits, with a
position for every key and value; :mod:`aidrules.readers.usercache` writes and reads back, checked,
the entries of the per-user cache (parses, merged layers, generated code, locale formats).
"""
