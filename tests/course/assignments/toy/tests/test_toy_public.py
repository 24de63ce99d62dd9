def test_add_small(toy):
    """add: small numbers"""
    assert toy.add(1, 2) == 3, "add(1, 2) should be 3"
