"""One scorer per family of tasks: it loads the gold, checks the lines, and computes the
scores, their bootstrap intervals and the reference predictions (floor, trivial, maximum)."""
