"""Views of a decision that need none of the explanation machinery: the decision as
``aidrules evaluate`` shows it (:mod:`aidrules.views.decision`), written through the one document
model (:mod:`aidrules.words.document`)."""
