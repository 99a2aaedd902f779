"""unspin inside other tools: the spaCy pipeline component (``unspin[spacy]``)."""
