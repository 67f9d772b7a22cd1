"""Text processing: tokens, sentences, BIO layers and the text-reuse measure."""
