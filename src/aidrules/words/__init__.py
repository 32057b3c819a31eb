"""Words for readers that every layer above the facts may use: Belgian formatting of values
(:mod:`.formatting`, Babel) and the readers' names of the case facts (:mod:`.labels`).

They live below the engine and the explanations, which both write texts with them.
"""
