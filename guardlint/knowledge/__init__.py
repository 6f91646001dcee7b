"""What guardlint knows about the world, as data: secret heuristics, the IAM action database
and the tables the rules read (guardlint/data/*.yaml)."""
