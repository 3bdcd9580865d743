"""The session's profile updated by a turn: each stated fact placed on its input (list items, groups, titles), with
what-ifs, increases, bare replies to the last follow-up, and the conditions 'all met'."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from assistant.session import Session
from assistant.understand.facts import NEG_RE
from assistant.understand.focus import Q_MARK
from assistant.understand.lexicon import Lex
from assistant.understand.text import is_han, normalise, segments
from assistant.understand.turn import Turn
from assistant.understand.zh import A_NOT_A_ANY
from tools.amounts import format_yuan

PLACE_INPUT = "registered_place"


def _fid(key: tuple) -> str:
    return ".".join(key)


def _split(lex: Lex, fact: str) -> tuple[str, str | None, str | None]:
    """(head input, list/group field, kind of the head): equipment → ("projects", "equipment", "list")."""
    path = lex.path(fact)
    head, _, rest = path.partition(".")
    spec = lex.inputs.get(head)
    return head, rest or None, spec.type if spec is not None else ""


def _bool_fields(lex: Lex, head: str) -> list[str]:
    spec = lex.inputs.get(head)
    return [k for k, f in spec.fields.items() if f.type == "bool"] if spec is not None else []


def _items(p: dict, head: str) -> list[dict]:
    return p.setdefault(head, [])


def _base_item(lex: Lex, head: str, items: list[dict]) -> dict:
    """A new item inherits the yes/no facts of the first one (两个项目都已竣工 states them once)."""
    keep = set(_bool_fields(lex, head))
    return {k: v for k, v in (items[0] if items else {}).items() if k in keep}


def set_value(session: Session, lex: Lex, fact: str, value, *, new_item: bool = False, index: int | None = None) -> None:
    """Put one value on its input: a list field goes to the current item (a new one if asked or already filled)."""
    p = session.profile
    head, field, kind = _split(lex, fact)
    if kind == "list" and field:
        items = _items(p, head)
        if index is None:
            if new_item and items and items[-1].get(field) is not None:
                items.append(_base_item(lex, head, items))
            if not items:
                items.append({})
            index = len(items) - 1
        while len(items) <= index:
            items.append(_base_item(lex, head, items))
        items[index][field] = value
        session.last_slot = (fact, index)
    elif kind == "group" and field:
        p.setdefault(head, {})[field] = value
        session.last_slot = (fact, None)
    else:
        p[head] = value
        session.last_slot = (fact, None)
    for other, spec in lex.inputs.items():
        implied = spec.implied_by
        if spec.type == "bool" and implied is not None and implied.op == "gt" and implied.fact == lex.path(fact) \
                and isinstance(value, Decimal) and value > 0 and "." not in other:
            p[other] = True  # a Ganzhou award implies the recognition it rewards


def value_at(session: Session, lex: Lex, slot: tuple) -> Decimal | None:
    fact, index = slot
    p = session.profile
    head, field, kind = _split(lex, fact)
    if kind == "list" and field:
        items = p.get(head) or []
        i = index if index is not None else len(items) - 1
        return items[i].get(field) if 0 <= i < len(items) else None
    if kind == "group" and field:
        return (p.get(head) or {}).get(field)
    return p.get(head)


def _set_bool(session: Session, lex: Lex, fact: str, value: bool, turn: Turn, index: int | None = None) -> None:
    p = session.profile
    head, field, kind = _split(lex, fact)
    if kind == "list" and field:
        items = _items(p, head)
        if not items:
            items.append({})
        if index is not None:
            while len(items) <= index:
                items.append(_base_item(lex, head, items))
            items[index][field] = value
            return
        targets = items[-1:] if turn.new_project and len(items) > 1 else items
        for item in targets:
            item[field] = value
    elif kind == "group" and field:
        p.setdefault(head, {})[field] = value
    elif head in lex.inputs:
        p[head] = value


def _referred_item(session: Session, lex: Lex, fact: str, turn: Turn) -> int | None:
    """The held item a turn names by its amount (1700万那个还在调试), for a list fact beside it."""
    head, field, kind = _split(lex, fact)
    if kind != "list" or not turn.item_refs:
        return None
    items = session.profile.get(head) or []
    return next((i for i, item in enumerate(items) if any(v in turn.item_refs for v in item.values()
                                                          if isinstance(v, Decimal))), None)


def _context_fact(session: Session, turn: Turn, lex: Lex, fact: str) -> str | None:
    """A fact whose word means another one outside its own context (验收 of a project is its completion), judged by
    what the conversation holds: the other fact when only its input is held and the turn names no topic."""
    spec = next((s for f, _, _, s in lex.statements if f == fact and s.context is not None), None)
    if spec is None or not spec.context.otherwise or turn.topics:
        return None
    own = lex.path(fact).split(".")[0]
    other = lex.path(spec.context.otherwise).split(".")[0]
    p = session.profile
    if own not in p and p.get(other):
        return spec.context.otherwise
    return None


def _rule_in_focus(session: Session, turn: Turn, lex: Lex):
    """The award rule the turn (else the conversation) is about, for 条件都满足."""
    rules = lex.pack.rules.rules if lex.pack.rules else ()
    for cid in (turn.topics or ([session.last_topic] if session.last_topic else [])):
        r = next((r for r in rules if r.clause == cid and r.conditions), None)
        if r is not None:
            return r
    p = session.profile
    return next((r for r in rules if r.for_each and p.get(r.for_each) and r.conditions), None) or \
        next((r for r in rules if r.conditions), None)


def _all_conditions(session: Session, turn: Turn, lex: Lex, value: bool, stated: set[str]) -> None:
    rule = _rule_in_focus(session, turn, lex)
    if rule is None:
        return
    conds = [*(lex.pack.rules.eligibility if rule.eligibility else ()), *rule.conditions]
    for c in conds:
        sub = c.first_known[0] if c.first_known else c
        spec = lex.inputs.get(sub.fact)
        if spec is None or spec.type != "bool" or sub.op not in ("true", "false"):
            continue
        fact = lex.fact_of(sub.fact)
        if fact in stated or sub.fact in stated:
            continue
        v = value if sub.op == "true" else not value
        if rule.for_each and sub.fact.startswith(rule.for_each + "."):
            items = _items(session.profile, rule.for_each)
            if not items:
                items.append({})
            field = sub.fact[len(rule.for_each) + 1:]
            for item in (items[-1:] if turn.new_project and len(items) > 1 else items):
                item[field] = v
        else:
            _set_bool(session, lex, fact, v, turn)


_LEVEL_WORD = {"national": "国家", "provincial": "省", "city": "市"}


_NEVER_PAID = re.compile(r"(没|未|没有)(申报|申请|报|拿到|拿过|拿|领到|领过|领|兑现)")


def _never_paid(session: Session, turn: Turn, lex: Lex) -> None:
    """市级那个当时没申报 一分钱没拿到, after a lower title was taken as paid: it was not; it leaves the rewarded list
    (the level named picks which, or the only one there is)."""
    if not _NEVER_PAID.search(turn.text):
        return
    p = session.profile
    for r in (lex.pack.rules.rules if lex.pack.rules else ()):
        before = p.get(r.stacking.before) if r.stacking and r.stacking.before else None
        if not before:
            continue
        levels = [_LEVEL_WORD.get(lv, "?") for lv, _ in turn.bare_levels]
        gone = [o for o in before if len(before) == 1 or any(w in _level_and_name(lex, o)[0] for w in levels)]
        for o in gone:
            before.remove(o)
            _set_title(session, lex, o, True)  # still held, never paid: the highest is paid in full


def _level_and_name(lex: Lex, oid: str) -> tuple[str, str]:
    """An option's label split at its level (赣州市级数字化车间 → 赣州市, 数字化车间); ("", "") without a label."""
    path = _titles_input(lex, oid)
    spec = lex.inputs[path].options.get(oid) if path else None
    prefix, _, name = normalise(getattr(spec, "label", "") or "").partition("级")
    return prefix, name


def _options_named_by_level(session: Session, turn: Turn, lex: Lex) -> list[str]:
    """A bare level (省级) after the user named a title without one (新评上数字化车间): the options whose label is
    that level's word, 级, and the name said (省级数字化车间), among the rules of the clause talked about."""
    said = normalise("".join(q for q, _ in session.history[-3:]))
    clauses = set(turn.topics) or {session.last_topic}
    out = []
    for r in (lex.pack.rules.rules if lex.pack.rules else ()):
        if r.clause not in clauses:
            continue
        for oid in r.options:
            prefix, stem = _level_and_name(lex, oid)
            for level, held in turn.bare_levels:
                if held and stem and stem in said and _LEVEL_WORD.get(level, "?") in prefix and oid not in out:
                    out.append(oid)
    return out


def _titles_input(lex: Lex, oid: str) -> str | None:
    for path, spec in lex.inputs.items():
        if spec.type == "titles" and oid in spec.options and "before" not in path:
            return path
    for path, spec in lex.inputs.items():
        if spec.type == "choice" and oid in spec.options:
            return path
    return None


def _before_input(lex: Lex, oid: str) -> str | None:
    """The input of titles already rewarded (stacking `before`) of the rule paying this option, if any."""
    for r in (lex.pack.rules.rules if lex.pack.rules else ()):
        if oid in r.options and r.stacking and r.stacking.before:
            return r.stacking.before
    return None


def _earlier_titles_rewarded(session: Session, lex: Lex, new: list[str]) -> None:
    """今年又评上省级的 after 去年评上市级的: the titles held from earlier turns, of the rules paying the new ones with a
    rewarded-before input, were rewarded then (the rule tops up the difference)."""
    p = session.profile
    for oid in new:
        before, path = _before_input(lex, oid), _titles_input(lex, oid)
        if not before or not path or not isinstance(p.get(path), list):
            continue
        earlier = [t for t in p[path] if (t if isinstance(t, str) else t.get("id")) not in new]
        if earlier:
            p[path] = [t for t in p[path] if t not in earlier]
            rewarded = p.setdefault(before, [])
            rewarded.extend(t for t in earlier if t not in rewarded)


def _set_title(session: Session, lex: Lex, oid: str, held: bool) -> None:
    path = _titles_input(lex, oid)
    if path is None:
        return
    p = session.profile
    if lex.inputs[path].type == "choice":
        if held:
            p[path] = oid
        elif p.get(path) == oid:
            del p[path]
        return
    titles = p.setdefault(path, [])
    ids = [t if isinstance(t, str) else t.get("id") for t in titles]
    if held and oid not in ids:
        titles.append(oid)
    elif not held and oid in ids:
        del titles[ids.index(oid)]


def _topic_slot(session: Session, turn: Turn, lex: Lex) -> tuple | None:
    """The amount of the rule talked about: the turn's topics first, then the conversation's (a topic with no
    amount of its own, 项目在南康区内实施, does not hide the rule asked about before)."""
    rules = lex.pack.rules.rules if lex.pack.rules else ()
    for top in dict.fromkeys([*turn.topics, *([session.last_topic] if session.last_topic else [])]):
        fact = lex.words.followup_amounts.get(top)
        if fact is None:
            # a rule's own base, when it has one amount input (南康第五条: the subscription fees)
            r = next((r for r in rules if r.clause == top), None)
            base = (r.base or r.count or r.outside) if r is not None else ""
            if base and lex.inputs.get(base) is not None and lex.inputs[base].type in ("amount", "quantity", "number"):
                fact = lex.fact_of(base)
        if fact:
            return fact, None
    return None


def _money_slot(session: Session, turn: Turn, lex: Lex) -> tuple | None:
    """Where a sum of money with no keyword goes: the last amount stated, unless that was a count, a quantity or a
    date (年节能量600吨 / 24年开工 said before it), then the amount of the rule talked about."""
    last = session.last_slot
    spec = lex.inputs.get(lex.path(last[0])) if last is not None else None
    if last is not None and (spec is None or spec.type == "amount"):
        return last
    slot = _topic_slot(session, turn, lex)
    if slot is not None and (lex.inputs.get(lex.path(slot[0])) is None or lex.inputs[lex.path(slot[0])].type == "amount"):
        return slot
    return last if spec is not None and spec.type in ("quantity", "number") else None


def _apply_place(session: Session, turn: Turn, lex: Lex) -> None:
    if turn.registered_place and PLACE_INPUT in lex.inputs:
        session.profile[PLACE_INPUT] = turn.registered_place
    if turn.registered_place:
        session.registered_place = turn.registered_place


def apply_turn(session: Session, turn: Turn, lex: Lex) -> list[str]:
    """Merge what the turn states into the session's profile for `lex`'s document; returns what could not be placed."""
    problems: list[str] = []
    p = session.profile
    held_lists = {k for k, v in p.items() if isinstance(v, list) and v}  # items from earlier turns
    held_values = {x for k in held_lists for item in p[k] if isinstance(item, dict) for x in item.values()
                   if isinstance(x, Decimal)}
    if turn.new_project and turn.item_facts and re.search(r"第[一二三四五六七八九十\d]+个", turn.text) \
            and not re.search(r"再|又|新增|增加|另外|还有", turn.text) and all(
            i < len(p.get(_split(lex, _fid(s))[0]) or []) for i, s, _ in turn.item_facts):
        turn.new_project = False  # 更正 第二个项目是1000万: an item already held, named by its number
    _apply_place(session, turn, lex)
    amounts = [(s, v) for s, v in turn.facts if not isinstance(v, bool) and s != ("all_conditions",)]
    flags = [(s, v) for s, v in turn.facts if isinstance(v, bool)]
    stated = {_fid(s) for s, _ in flags}
    per_item = {(i, s) for i, s, v in turn.item_facts if isinstance(v, bool)}
    one_item: list[tuple[str, bool, int]] = []
    for slot, value in flags:
        fact = _fid(slot)
        if fact == "all_conditions":
            _all_conditions(session, turn, lex, value, stated)
            continue
        items_said = [(i, v) for i, s, v in turn.item_facts if s == slot]
        if items_said and len({i for i, _ in items_said}) > 1:
            continue  # stated per item below
        other = _context_fact(session, turn, lex, fact)
        if other is not None:
            if value:
                _set_bool(session, lex, other, True, turn)  # 验收完了 while a project is talked about: completed
            continue
        if items_said:
            one_item.append((fact, value, items_said[0][0]))  # 900万那个没列进: that item only, once all are placed
            continue
        _set_bool(session, lex, fact, value, turn, index=_referred_item(session, lex, fact, turn))
    if flags and flags[-1][0] != ("all_conditions",):
        session.last_condition = _fid(flags[-1][0])
    for amount in turn.tax_whatif:
        dc = lex.pack.rules.document_cap if lex.pack.rules else None
        cap_fact = lex.fact_of(dc.input) if dc is not None else None
        if cap_fact is None or value_at(session, lex, (cap_fact, None)) is None:
            spec = next((a for _, _, a in lex.amounts if a.problem), None)
            problems.append(spec.problem.format(amount=format_yuan(amount)) if spec else
                            f"没能判断{format_yuan(amount)}指的是哪一项金额，请说明。")
        else:
            set_value(session, lex, cap_fact, amount)
    # several amounts for one list field in one turn: one item each, sharing the yes/no facts stated
    by_field: dict[str, list] = {}
    for s, v in amounts:
        by_field.setdefault(_fid(s), []).append(v)
    for fact, values in list(by_field.items()):
        head, field, kind = _split(lex, fact)
        if kind == "list" and field and len(values) > 1 and not any(_fid(s) == fact for _, s, _ in turn.item_facts):
            items = p.get(head) or []
            base = _base_item(lex, head, items)
            # 同一个技改项目 设备分三批 210万 180万 155万: one item, the figures its parts
            p[head] = [dict(base, **{field: sum(values)})] if turn.same_item else [dict(base, **{field: v}) for v in values]
            session.last_slot = (fact, len(values) - 1)
            amounts = [(s, v) for s, v in amounts if _fid(s) != fact]
    # several amounts for one plain amount in one turn (软件订阅付了28万，云服务付了12万): their sum
    plain: dict[str, list] = {}
    for s, v in amounts:
        head, field, kind = _split(lex, _fid(s))
        if kind == "amount" and not field:
            plain.setdefault(_fid(s), []).append(v)
    for fact, values in plain.items():
        if len(values) > 1:
            amounts = [(s, v) for s, v in amounts if _fid(s) != fact] + [(tuple(fact.split(".")), sum(values))]
    # 再加一个项目，设备600万: a new item after those held from earlier turns, not the turn's first item
    indexed = {(s, v): i for i, s, v in turn.item_facts if not isinstance(v, bool)
               and not (turn.new_project and _split(lex, _fid(s))[0] in held_lists)}
    shared = [(s, v) for s, v in amounts if s in turn.shared_facts and (s, v) not in indexed]
    # 1700万那个还在调试: an amount naming an item held from before is that item, not another one
    amounts = [(s, v) for s, v in amounts if v not in turn.item_refs or v not in held_values]
    for slot, value in amounts:
        if (slot, value) in shared:
            continue
        head, field, kind = _split(lex, _fid(slot))
        # (漏了一台 同一个项目还有台120万的设备: an item's figure, added to when the same item is said)
        held = value_at(session, lex, (_fid(slot), None)) if turn.more_of and (
            kind == "amount" and not field or field and turn.same_item) else None
        if isinstance(held, Decimal):
            value = held + value  # 漏了 还有云服务28万 合起来: what was left out, added to the 46万 said before
        set_value(session, lex, _fid(slot), value, new_item=turn.new_project, index=indexed.get((slot, value)))
    for fact, value, index in one_item:
        _set_bool(session, lex, fact, value, turn, index=index)
    for i, slot in per_item:  # 一个已竣工，另一个还没竣工: once the items are placed, so no base item copies them
        values = [v for j, s, v in turn.item_facts if s == slot and j == i]
        if len({j for j, s, _ in turn.item_facts if s == slot}) > 1:
            _set_bool(session, lex, _fid(slot), values[-1], turn, index=i)
    for slot, value in shared:  # 期限都是三年 / 一年期LPR3.1% beside two loans: every item, once they are all placed
        head, field, _ = _split(lex, _fid(slot))
        items = _items(p, head)
        if not items:
            items.append({})
        for item in items:
            item[field] = value
    if turn.upgrade:
        _earlier_titles_rewarded(session, lex, [oid for oid, held in turn.titles if held])
    family = next((f for f in lex.words.titles if f.clause == session.last_topic), None)
    for level, held in turn.topic_levels if family is not None else ():
        if family.levels.get(level):
            turn.titles.append((family.levels[level], held))  # 我们是国家级的, after 服务型制造示范企业奖励分几档
    for oid, held in turn.titles:
        path = _titles_input(lex, oid)
        if oid in turn.prior_titles and path and lex.inputs[path].type == "choice" and not _before_input(lex, oid):
            continue  # 2022年通过了A级，今年升级评上AA级: one level is held, the one it rose to
        if oid in turn.prior_titles and _before_input(lex, oid):
            before = _before_input(lex, oid)
            titles = p.setdefault(before, [])
            if oid not in titles:
                titles.append(oid)
            continue
        _set_title(session, lex, oid, held)
    _never_paid(session, turn, lex)
    named = _options_named_by_level(session, turn, lex) if turn.bare_levels and not turn.titles else []
    for oid in named:
        _set_title(session, lex, oid, True)  # 今年新评上数字化车间 … 省级: the option of that level with the name said
    if turn.bare_levels and not turn.titles and not named:
        # 我们是省级的 / 那国家级呢: the level of the title family last talked about
        fam = next((f for f in lex.words.titles if f.clause in turn.topics or (not turn.topics and session.last_topic == f.clause)),
                   None)
        if fam is not None:
            if turn.whatif:
                path = _titles_input(lex, next(iter(fam.levels.values())))
                if path and isinstance(p.get(path), list):
                    p[path] = [t for t in p[path] if (t if isinstance(t, str) else t.get("id")) not in fam.levels.values()]
            for level, held in turn.bare_levels:
                oid = fam.levels.get(level)
                if oid:
                    _set_title(session, lex, oid, held)
    if turn.unlisted_titles:
        # 国家级智能制造示范工厂 for a document that lists its titles: none of the listed ones is held
        rules = lex.pack.rules.rules if lex.pack.rules else ()
        focus = [turn.clause_ref, *turn.topics, session.last_topic]
        rule = next((r for c in focus for r in rules if c and r.clause == c and r.kind == "titles"), None)
        if rule is not None and p.get(rule.input) is None and lex.inputs[rule.input].type == "titles":
            p[rule.input] = []
    if turn.stacking and "stacking" in lex.inputs:
        p["stacking"] = turn.stacking
    # 再多买300万: added to the amount talked about (the fact named, else the last one)
    for slot, amount in turn.deltas:
        fact = _fid(slot) if slot else None
        where = session.last_slot if fact is None or (session.last_slot and session.last_slot[0] == fact) else (fact, None)
        where = where or _topic_slot(session, turn, lex)
        if where is None:
            problems.append(f"没能判断增加的{format_yuan(amount)}是哪一项金额，请说明。")
            continue
        current = value_at(session, lex, where)
        if current is not None and not isinstance(current, Decimal):
            where = _topic_slot(session, turn, lex)  # the last figure said was a date: the topic's amount instead
            current = value_at(session, lex, where) if where else None
            if where is None or not isinstance(current, Decimal | None):
                continue
        set_value(session, lex, where[0], max(amount + (current or Decimal("0")), Decimal("0")), index=where[1])
    # 总投资2300万 土建380万 公用配套160万 其余是设备和软件: the base is what the total leaves once the parts it
    # excludes are taken out (the total may have been stated in an earlier turn)
    for base, total in (lex.words.remainders.items() if turn.excluded_parts else ()):
        whole = value_at(session, lex, (lex.fact_of(total), None))
        if isinstance(whole, Decimal) and whole > sum(turn.excluded_parts):
            set_value(session, lex, lex.fact_of(base), whole - sum(turn.excluded_parts),
                      index=session.last_slot[1] if session.last_slot else None)
    # an amount with no keyword: a what-if on the last amount (那如果是5000万呢); 两个项目各600万呢 → one item each
    slot = _money_slot(session, turn, lex)
    if len(turn.unresolved_amounts) > 1 and slot is not None:
        head, field, kind = _split(lex, slot[0])
        if kind == "list" and field:
            items = p.get(head) or []
            # 800万那个入了统计库 600万那个入没入库: what the turn says of one item stays that item's
            said = {(j, _split(lex, _fid(s))[1]): v for j, s, v in turn.item_facts}
            base = {k: v for k, v in _base_item(lex, head, items).items() if not any(f == k for _, f in said)}
            p[head] = [dict(base, **{f: v for (j, f), v in said.items() if j == i}, **{field: v})
                       for i, v in enumerate(turn.unresolved_amounts)]
            session.last_slot = (slot[0], len(turn.unresolved_amounts) - 1)
            return problems
    for amount in turn.unresolved_amounts:
        slot = _money_slot(session, turn, lex)
        if slot is None:
            names = "、".join(lex.inputs[lex.path(f)].label for f in dict.fromkeys(lex.words.followup_amounts.values())
                             if lex.path(f) in lex.inputs) or "哪一项"
            problems.append(f"没能判断{format_yuan(amount)}指的是哪一项金额（{names}），请说明。")
            continue
        set_value(session, lex, slot[0], amount, index=slot[1])
    return problems


# --- bare replies --------------------------------------------------------------------------------

_CORRECTION = re.compile(r"现在|目前|已经|已|刚")


def reply_condition(session: Session, turn: Turn, lex: Lex) -> str | None:
    """The fact a bare yes/no reply (是的 / 还没有 / 现在通过了 / 都符合) answers: the one it names, else the
    first fact the last answer asked, else the condition last stated; None when nothing was talked about."""
    if not session.profile:
        return None
    asked = next((a["fact"] for a in session.asked if a.get("kind") == "bool"), None)
    if turn.reply_all:
        return "all_conditions" if asked or session.last_topic in lex.condition_rule_clauses else None
    hint = turn.reply_hint
    if hint:
        spec = next((s for f, _, _, s in lex.statements if f == hint and s.context is not None), None)
        if spec is not None and spec.context.otherwise and lex.path(hint).split(".")[0] not in session.profile:
            return spec.context.otherwise if turn.reply else None  # 现在验收了 about a project: completed
        return hint
    if _CORRECTION.search(turn.text) and session.last_condition:
        return session.last_condition  # 现在可以了: a correction of the condition just stated
    return asked or session.last_condition


def fill_asked(session: Session, turn: Turn, lex: Lex) -> bool:
    """A bare amount or level (50万 / 省级) answering the last follow-up fills the fact it asked for."""
    if not session.asked:
        return False
    if turn.reply_amount is not None:
        target = next((a for a in session.asked if a.get("kind") in ("amount", "quantity", "number")), None)
        if target is None:
            return False
        set_value(session, lex, target["fact"], turn.reply_amount)
        return True
    if turn.reply_option is not None:
        target = next((a for a in session.asked if a.get("kind") in ("titles", "choice")), None)
        if target is None:
            return False
        fam = next((f for f in lex.words.titles if f.family == target.get("family")), None)
        oid = fam.levels.get(turn.reply_option) if fam is not None else turn.reply_option
        if oid:
            _set_title(session, lex, oid, True)
            return True
    return False


__all__ = ["apply_turn", "facts_named_in_reply", "fill_asked", "reply_condition", "set_value", "value_at"]


_REPLY_STOP = {"企业", "项目", "是否", "已经", "我们", "公司", "贵企", "的是"}


def facts_named_in_reply(session: Session, turn: Turn, lex: Lex) -> list[tuple[tuple, bool]]:
    """接入了 验收也过了, after an answer asking 是否已接入…？是否已通过验收？: each short part of the reply that shares a
    word with a yes/no fact just asked for answers that fact (negated: 还没接入 → no)."""
    asked = [a for a in session.asked if a.get("kind") == "bool"]
    if (not asked or len(turn.text) > 30 or turn.reply is not None or Q_MARK.search(turn.text)
            or A_NOT_A_ANY.search(turn.text)):
        return []  # 是的 / 都符合 are bare replies; 算竣工吗 / 符不符合 ask
    out: list[tuple[tuple, bool]] = []
    # a fact the pack gives its own words (no_major_accident: 事故) is answered by those words, not by any word its
    # label shares (申报前两年内…: 市级那个当时没申报 says nothing about accidents)
    declared: dict[str, list] = {}
    for cid, rx in lex.conditions:
        declared.setdefault(lex.path(lex.fact_of(cid)), []).append(rx)
    for f, rx in lex.reply_hints:
        declared.setdefault(lex.path(f), []).append(rx)
    for part in (w for a, b in segments(turn.text) for w in turn.text[a:b].split()):
        grams = {part[i:i + 2] for i in range(len(part) - 1)} - _REPLY_STOP
        for a in asked:
            spec = lex.inputs.get(lex.path(a["fact"]))
            label = (spec.label if spec is not None and spec.label else "") + str(a.get("question") or "")
            if turn.registered_place and "注册" in label:
                continue  # 注册地是信丰县: where it is registered is read from the place, not from a shared word
            own = declared.get(lex.path(a["fact"]))
            if any(rx.search(part) for rx in own) if own else any(
                    all(map(is_han, g)) and g in label for g in grams):
                key = tuple(a["fact"].split("."))
                if all(k != key for k, _ in out):
                    out.append((key, not NEG_RE.search(part)))
                break
    return out



_HALVES = re.compile(r"一半|各半|平分|对半")


def place_kinds(session: Session, turn: Turn, lex: Lex) -> bool:
    """A group's amount and its kind said in different turns meet (上云付了3万 → 设备资源上云; 设备资源上云那一档 → 实付4万),
    and a kind corrected moves the amount held (是平台系统上云 不是业务应用). True when an amount was placed."""
    named = [k for k, neg in turn.kinds_named if not neg]
    denied = [k for k, neg in turn.kinds_named if neg]
    groups = {spec.fact: spec.kinds for _, _, spec in lex.amounts if spec.kinds}
    own_amounts = any(isinstance(v, Decimal) for _, v in turn.facts) or turn.unkinded
    placed = False
    if named and session.unkinded:
        # 一半是信息基础设施上云 一半是制造能力上云: the amount waiting, split evenly over the kinds named
        share = named if len(named) > 1 and _HALVES.search(turn.text) else named[:1]
        for g, a in session.unkinded:
            part = (Decimal(a) / len(share)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            turn.facts += [(tuple(k.split(".")), part) for k in share if k in groups.get(g, ())]
        placed = True
    elif named and denied and not own_amounts:
        for d in denied:
            head, field, _ = _split(lex, d)
            held = (session.profile.get(head) or {}).pop(field, None) if field else None
            if isinstance(held, Decimal):
                turn.facts.append((tuple(named[0].split(".")), held))
                placed = True
    session.unkinded = []
    kind = named[0] if named else session.kind_named
    for group, amount, ask in turn.unkinded:
        if kind in groups.get(group, ()):
            turn.facts.append((tuple(kind.split(".")), amount))
            turn.problems = [p for p in turn.problems if p != ask]
            placed = True
        else:
            session.unkinded.append([group, amount])
    topic = turn.topics[0] if turn.topics else session.last_topic
    if kind and len(turn.unresolved_amounts) == 1 and kind in groups.get(lex.words.topic_amounts.get(topic or "", ""), ()):
        turn.facts.append((tuple(kind.split(".")), turn.unresolved_amounts.pop()))  # 我们实付4万, after the kind
        placed = True
    if named:
        session.kind_named = named[-1]
    return placed
