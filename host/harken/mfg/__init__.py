"""Manufacturing: a station's clients of units on the production line."""
