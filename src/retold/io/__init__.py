"""Reading and writing the project's files: the corpus, standoff annotations, the release."""
