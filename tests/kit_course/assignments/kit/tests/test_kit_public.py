def test_count_public(student):
    """count: a small sentence"""
    got = dict(student.module("kit").count(["a", "b", "a"]))
    assert got == {"a": 2, "b": 1}, f"count(['a', 'b', 'a']) returned {got}, expected {{'a': 2, 'b': 1}}"
