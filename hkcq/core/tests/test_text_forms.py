from hkcq.core.text import to_traditional


def test_hong_kong_traditional_writes_partner_as_hong_kong_does():
    # Found in the trial: a converted opportunity title read "合作伙伴" on the Hong Kong pages.
    assert to_traditional("寻找工业人工智能科研合作伙伴") == "尋找工業人工智能科研合作夥伴"
    assert to_traditional("“伙伴”") == "「夥伴」"
