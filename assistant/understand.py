"""Deterministic understanding of one turn: which kind of question it is, what topic, and which profile facts it states."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from corpus import named_clause_ids
from corpus.model import cn_to_int
from tools.amounts import find_amounts, parse_amount
from tools.errors import AmountError
from tools.rules import RULE_CLAUSES as _CALC_RULE_CLAUSES

# --- text normalisation -------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full-width to half-width one character for one (so spans stay valid), spaces removed, lower case."""
    out = []
    for ch in text or "":
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    s = "".join(out).lower()
    return re.sub(r"[ \t\u3000]+", "", s)


# --- fuzzy policy terms ----------------------------------------------------------------------

# Characters people type instead of a policy term's own (pinyin-IME homophones and look-alikes): 服务形制造,
# 两化容合, 上去补贴. A typo is corrected only where the rest of a glossary term matches exactly.
_CONFUSABLE = {
    "型": "形行", "融": "容溶蓉荣", "合": "和", "云": "去芸运耘", "竣": "峻俊骏浚", "统": "筒桶", "贯": "惯灌",
    "标": "表彪", "规": "归", "设": "社", "备": "被倍", "奖": "将", "贴": "帖", "节": "结", "析": "晰西",
    "识": "视", "制": "治质", "造": "早燥", "示": "式", "范": "犯泛饭", "服": "福", "库": "酷", "项": "向",
    "资": "姿咨", "税": "说", "留": "流", "实": "时", "财": "才材", "改": "该", "技": "机", "智": "知",
    "化": "花画", "两": "俩量",
}
# A two-character term with a typo (上去) counts only before a word that makes it a policy term (上去补贴).
_SHORT_TERM_NEXT = "补奖费比企项"


@lru_cache(maxsize=1)
def _typo_variants() -> dict[str, str]:
    """Each misspelling (one confusable character) of a glossary term or alias → the term as written."""
    try:
        from assistant.index.sparse import load_glossary

        terms = load_glossary()["terms"]
    except Exception:  # noqa: BLE001 - without the glossary, questions are read as typed
        return {}
    words = set()
    for t in terms:
        for w in [t["term"], *(t.get("aliases") or [])]:
            w = str(w)
            if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fa5]+", w):
                words.add(w)
    out: dict[str, str] = {}
    for w in sorted(words, key=len):
        for i, ch in enumerate(w):
            for typo in _CONFUSABLE.get(ch, ""):
                v = w[:i] + typo + w[i + 1:]
                if v not in words:
                    out.setdefault(v, w)
    return out


def correct_terms(t: str) -> str:
    """Misspelt policy terms replaced by the glossary's spelling; one character for one, so spans stay valid."""
    variants = _typo_variants()
    if not variants:
        return t
    lengths = sorted({len(v) for v in variants}, reverse=True)
    out, i = [], 0
    while i < len(t):
        for n in lengths:
            v = t[i:i + n]
            if len(v) == n and v in variants and (n > 2 or t[i + n:i + n + 1] in tuple(_SHORT_TERM_NEXT)):
                out.append(variants[v])
                i += n
                break
        else:
            out.append(t[i])
            i += 1
    return "".join(out)


# Segment delimiters: facts and negations are judged within one segment (a comma must not merge a digit group).
_SEG_RE = re.compile(r"[。；;！!？?\n：:]|,(?!\d{3})|，")


def segments(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SEG_RE.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _segment_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e or (pos == e and s < e):
            return s, e
    return pos, pos


# --- topics ---------------------------------------------------------------------------------

# Award rules and the clause each rests on: the calculator's own table, plus the 四（三）7 cap.
RULE_CLAUSES = {**_CALC_RULE_CLAUSES, "tax_cap": "4.3.7"}
CLAUSE_RULES = {v: k for k, v in RULE_CLAUSES.items()}

# Concept → clause. Patterns are over normalised text; the first topic list wins ties, longer matches count more.
TOPICS: list[tuple[str, str]] = [
    ("4.3.5", r"上云|云服务|云平台"),
    ("4.3.6", r"二级节点|标识解析|工业互联网|节点建设|接入节点"),
    ("4.3.3", r"两化(深度)?融合(管理体系)?(贯标|示范)?|贯标"),
    ("4.3.4", r"服务型制造示范|服务型制造(企业)?(奖|称号)"),
    ("3.4", r"服务型制造(工程)?"),
    ("4.3.2", r"智能制造(示范|标杆|配套|奖补|奖励)|标杆企业|赣州(市)?认定|1:1|配套(支持|比例|奖励)|数字化转型|智能化升级"),
    ("4.3.7", r"(合计|总额|加起来|总的|各项(奖励|奖补|补助|补贴)?)(有没有|有|的|是否有)?(上限|封顶|限额)|纳税|缴税|交的税|交税|税收|结转|补发|地方留成|地方(财政)?(实得|分成|所得)|实得部分|不足部分|合计(上限|最多|不超过)|总额上限|申报(要求|程序)"),
    ("4.3.1", r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入|奖补|补贴|奖励|更新)|技改(项目)?(设备)?(奖补|补贴|奖励)|技术改造项目|设备|统计库|入统|竣工|产业政策|6%"),
    ("4.1", r"(技术改造|技改)?项目库|技改库|入库|(纳入|进|入|放进)(哪个|哪一?级|什么)(项目)?库|纳入(市级|省级)|(市级|省级)(技改|技术改造)?(项目)?库|进(入)?(市级|省级)?库"),
    ("4.2", r"专项资金|产业基金|财政支持"),
    ("4.4", r"金融|银企|信贷|融资|贷款|银行"),
    ("4.5", r"监测|调度分析"),
    ("3.1", r"创新成果转化|技术中心|技术创新中心|工程研究中心|创新中心|新产品|科技成果"),
    ("3.2", r"智能化改造(工程)?|智能工厂|数字化车间|机器换人|首台|工业机器人"),
    ("3.3", r"绿色(化)?(改造|工厂|园区|产品|制造)?|节能|环保"),
    ("3.5", r"工业强基|基础零部件|元器件|新材料|稀土"),
    ("2", r"工作目标|目标|110家|多少家|每年(要)?推动"),
    ("0", r"(?<!项)目的|为什么(要)?(出台|制定)|制定(本|这个)?(实施)?意见|开头|出台(的)?(背景|原因)"),
    ("notice", r"发给(哪些|哪个|谁)|印发给|通知(里|中|要求|怎么说|说了什么|内容|原文|全文)|贯彻落实|各乡镇|主送|研究同意"),
    ("3", r"主要任务|几项工程|哪(几|些)(项)?工程"),
    ("4", r"保障措施"),
    ("1", r"总体要求|五大工程|指导思想"),
    ("4.3", r"扶持政策|(着力)?扩大政策效应|政策效应"),
    # a bare cap word modifies the rule it is said of (设备补助封顶多少); only with no rule named is it 四（三）7
    ("4.3.7", r"封顶"),
]
_TOPIC_RES = [(cid, re.compile(p)) for cid, p in TOPICS]

# Words that make a question about policy at all; without any, a question is out of scope.
_POLICY_WORDS = re.compile(
    r"技改|技术改造|奖励|奖补|补贴|补助|资助|扶持|政策|文件|条款|条|规定|申报|申请|企业|公司|项目|设备|上云|两化|服务型|"
    r"节点|规上|规模以上|责任单位|部门|单位|目标|工程|税|钱|万|元|多少|龙南|示范|标杆|称号|贯标|验收|竣工|统计|"
    r"文号|印发|发文|有效期|哪些|能拿|可以拿|拿多少|能补|怎么算|条件|资格|标准|比例"
)
_OFF_TOPIC = re.compile(r"农业|农机|合作社|种植|养殖|帮我写|写一份|天气|下雨|气温|温度|股票|彩票|菜谱|做饭|电影|足球|篮球|笑话|写诗|唱歌|翻译|旅游|景点|房价|星座|算命")

# Cities other than 龙南 whose policies the document does not cover.
_OTHER_CITIES = (
    r"北京|上海|天津|重庆|深圳|广州|杭州|南京|苏州|武汉|成都|西安|长沙|南昌|厦门|福州|合肥|郑州|济南|青岛|"
    r"赣州|吉安|九江|上饶|抚州|宜春|萍乡|新余|鹰潭|景德镇|信丰|全南|定南|安远|寻乌|会昌|瑞金|于都|宁都|兴国|"
    r"石城|大余|崇义|上犹|南康|赣县|章贡|东莞|佛山|珠海|惠州|河源|韶关|梅州|其他(城市|地区|县|市|区)|别的(城市|地方|县|市)|外地"
)
_OTHER_CITY_RE = re.compile(rf"({_OTHER_CITIES})")
_REGISTERED_ELSEWHERE = re.compile(
    rf"注册(地|地址)?(在|于|是|为)(?!龙南)([\u4e00-\u9fa5]{{1,6}}(市|县|区|省)|{_OTHER_CITIES})|在({_OTHER_CITIES})(市|县|区)?注册|(外地|异地)注册")
# 赣州 appears in 四（三）2 (赣州市认定…) and 四（四）(赣州市重大项目引导资金): those are this document's own topics.
_GANZHOU_OK = re.compile(r"注册|赣州(市)?(认定|给|奖|发|配套|评|授予|重大项目|引导资金)|智能制造|标杆|1:1|配套")

# --- abstention categories (DESIGN §5 not-specified, validity) --------------------------------

ABSTAIN_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("deadline", re.compile(r"(去年|前年|以前|之前|往年|过去)(竣工|完成|建成|做)?(的)?(技改)?项目[^,，。]{0,4}(能|可以|还能|还可以)(报|申报|申请|享受)|截止|deadline|最晚|哪天之前|申报(时间|期限|日期|窗口期)|什么时候(申报|申请|报|开始(?!实施|施行|执行|生效)|可以报|到账|发放|兑现)|(补贴|奖励|奖补|资金|钱|补助)[^,，。]{0,4}(什么时候|啥时候|何时|多久)(能)?(发|给|到|下来|兑现|拨)|几月(份)?(申报|申请)|(申报|申请)(是)?(什么时候|几月|何时|哪天)|时限|受理时间|到账|拨付|多久(能|可以|才)|补申报|以前(年度)?的|往年")),
    ("validity", re.compile(r"(还|是否|仍然?|继续)(在)?(执行|适用|实施|管用)|20\d\d年(以后|之后)?(还|仍)(能|可以)?(用|执行|适用|享受)|有效期|失效|过期|到期|废止|还有效|是否有效|仍然有效|还能用吗|什么时候(结束|到期)|执行(到|期限)|有效(到|至)")),
    ("materials", re.compile(r"审计|评估报告|验资|鉴证|(?<!新)(?<!基础)材料|资料|证明文件|需要(提交|提供|准备|带)|要(交|带|准备)什么|提交什么|附件|表格|申请表|申报表|申报书|盖章")),
    ("where", re.compile(r"(委托|找)?(中介|代理机构|代办|代理申报|代为申报)|(去|到|在)哪(里|儿)?(申报|申请|办|报|交)|哪里(申报|申请|办理)|怎么(申报|申请|报|办理)|如何(申报|申请|办理)|申报(流程|程序|方式|渠道|入口|系统|平台|网址)|申请(流程|程序|方式|渠道|入口)|审核(流程|程序)|审批(流程|程序)|线上|网上|办事大厅|窗口|办理流程")),
    ("contact", re.compile(r"电话|联系方式|联系人|邮箱|地址在哪|办公地点|热线号码")),
    ("definition_above_scale", re.compile(r"(营收|营业收入|收入|产值|销售额|产值)[^,，。]{0,6}(才)?(算|是|属于)(规上|规模以上)|多少[^,，。]{0,4}(才)?算(规上|规模以上)|(规上|规模以上)(企业)?(的)?(标准|认定|定义|门槛|条件|是指|是什么|指什么|怎么(算|认定|界定))|什么(是|叫)(规上|规模以上)|(规上|规模以上)(企业)?要(多少|达到)|主营(业务)?收入(要|达到)?(多少|2000万)")),
    ("tax_rate", re.compile(r"税率|(增值税|所得税|企业所得税).{0,4}(多少%|百分之|几个点|比例是多少|交多少|缴多少)|分成比例|留成比例|地方(留成|分成)(比例|是多少%)")),
    # what counts as 购买设备投资额 (second-hand, leased, imported, software, tax) is not defined by the document
    ("equipment_scope", re.compile(r"(二手|旧设备|翻新|租赁|租的|租来|融资租入|进口|国产|软件|含税|不含税|税前|税后|安装费|运输费|运费|土建|分期(付款)?|首付|发票)[^。]{0,12}(算不算|算[^。]{0,8}吗|算不|能算|可以算|计入|计不计入|包括|包含|包不包括|含不含|还是)|"
                                 r"(算不算|能不能算|可不可以算|是否计入|包不包括)[^。]{0,10}(二手|旧设备|租赁|进口|软件|含税|安装费|运费|土建)|(按|以)(含税|不含税)|"
                                 # any other "does this equipment count" question the document's terms do not settle
                                 r"^(?!.*(总投资|项目投资|门槛|达500|500万|含不含|规上|规模以上|竣工|统计|产业政策|上云|节点))"
                                 r".*设备[^。]{0,10}(算不算|算吗|算数吗|能不能算|可不可以算|能算吗|可以算吗|计不计入|计入吗|包括吗|包不包括)")),
    # what the award money may be used for
    ("fund_use", re.compile(r"(奖补|补贴|奖励|补助)(资金|款|的钱)?[^,，。以所按]{0,6}(用来|用于|用在|怎么用|如何使用|使用范围|用途|能用|可以用)")),
    # whether this document's awards can be combined with other governments' funds: not said
    ("other_funds", re.compile(r"^(?!.*(两化|服务型|称号|示范|贯标|标杆)).*?(省里|省级|省上|国家|中央|赣州|上级|其他|别的|其它)(的)?[^,，。两化服务称号示范贯标]{0,6}(补贴|奖励|奖补|资金|政策|扶持)[^。]{0,8}(同时|一起|叠加|重复|兼得|都拿|都享受)|重复(享受|申报|申请)|同时享受(其他|别的|省|国家)")),
    # the tax treatment of the award money itself
    ("award_tax", re.compile(r"(奖补|补贴|奖励|补助)(资金|款|的钱)?[^,，。以所按]{0,6}(要|需要|用|得)?(交|缴|纳|扣)(企业所得|所得|个人所得)?税|(奖补|补贴|奖励|补助)[^,，。]{0,6}(免税|是否征税|要不要交税)")),
    ("not_covered", re.compile(r"贴息|高新技术企业|高企认定|专精特新|小巨人|研发费用加计|人才补贴|租金补贴|电价|用地")),
]

# --- profile fact lexicon -----------------------------------------------------------------

# Negators that flip a fact when they precede it within the same segment (还没竣工, 不是规上, 未入统, 没有通过验收).
_NEG_RE = re.compile(r"(不(?!过|但|仅|久|少|断|错|论|管|同|只)|没(?!多久|几天)|未(?!来)|非(?!常)|无(?!论)|尚未|并未|还没|还未|"
                     r"没有|不是|不属于|未能|没能|不再)")
# A fact planned or expected (预计明年竣工, 准备验收) does not hold yet.
_FUTURE_RE = re.compile(r"预计|计划|即将|准备|打算|争取|有望|明年|下个?月|下半年|(?<!已)将(?!近)|还要|等到")
# A negation after the fact word, ending its segment: 产业政策不符 / 验收还没通过 / 统计库还没进.
_POST_NEG_RE = re.compile(r"(了)?(的)?(还|也|都|仍|尚|却|目前)?(不符(合)?|不满足|不达标|不对|不够|不行|"
                          r"没(有)?(通过|完成|办|做|弄|下来|进|入|批|达到|到位)?|未(通过|完成|办理)?)(了)?(的)?")
# A segment that asks about a requirement states no fact (需要竣工吗 / 是否要列入统计库).
_ASKING_RE = re.compile(r"上限|多少|最高|比例|需要|要求|必须|是否|条件|标准|认定|要不要|需不需要|算不算|什么是|是指|定义|怎么认定|哪些")

_SELF_RE = re.compile(r"我们|我司|本企业|我公司|本公司|我单位|我厂|我家")
# A segment that asks something (the delimiter after it included: 补贴什么时候到账？).
_INTERROGATIVE = re.compile(r"吗|呢|\?|什么|啥|哪|怎么|如何|多少|几|是否|能否|能不能|可不可以|要不要|需不需要|有没有|算不算|"
                            r"是不是|谁|何|多久|请问|咨询")
_OWN_STATEMENT = re.compile(r"我们|我司|本企业|我公司|本公司|我单位|我厂|我家|我的|公司|厂|\d{3,}")


def asking_text(t: str) -> str:
    """The text of a turn without its plain statements about the enterprise (我的电话13807970000 / 我司主营稀土材料):
    a keyword there is a fact, not the question."""
    kept = [t[a:b] for a, b in segments(t)
            if _INTERROGATIVE.search(t[a:b + 1]) or not _OWN_STATEMENT.search(t[a:b])]
    return "，".join(kept)

# The clause(s) that carry the question: a question word, or a trailing request (请问…/想问…/帮我算…).
_Q_MARK = re.compile(r"吗|么|呢|多少|几|什么|啥|怎么|怎样|如何|哪|是否|能否|可否|有没有|是不是|要不要|需不需要|能不能|"
                     r"可不可以|算不算|含不含|包不包括|何时|谁|\?|(是|按)[^,，。]{0,12}还是")
_REQUEST = re.compile(r"请问|想问|我想问|问一下|问下|咨询一下|帮我(算|看|查|测算)|麻烦(算|看|问)")
# A clause that states something about the enterprise (我们…, amounts, 已…了) is a statement, not the question.
_STATEMENT = re.compile(r"我|本(企业|公司|单位)|公司|厂|\d|了|已|刚")


def question_focus(t: str) -> str:
    """The asking part of a (normalised) turn. Statements before it (我是一家做稀土永磁材料的企业) describe the enterprise:
    their keywords feed the profile and must not decide the route. Without any question word, the whole turn."""
    segs = segments(t)
    req = None
    for m in _REQUEST.finditer(t):
        req = m
    if req is not None:
        start = _segment_of(segs, req.start())[0]
        kept = [t[max(a, req.start()):b] for a, b in segs if b > start and b > req.start()]
        return "，".join(kept)
    asking = [i for i, (a, b) in enumerate(segs) if _Q_MARK.search(t[a:b + 1])]
    if not asking:
        return t
    keep: list[int] = []
    for i in asking:
        # 申报材料方面，需要准备什么: a question naming no subject of its own takes the phrase just before it
        if i > 0 and i - 1 not in asking and not _STATEMENT.search(t[segs[i - 1][0]:segs[i - 1][1]]) \
                and not _topics(t[segs[i][0]:segs[i][1]]):
            keep.append(i - 1)
        keep.append(i)
    return "，".join(t[segs[i][0]:segs[i][1]] for i in sorted(set(keep)))


# Whether two of the document's own rules combine (设备奖补另算吗 / 上云奖补可以同时拿吗): not a scope question.
_SEPARATE_Q = re.compile(r"另算|单独算|分开算|单独计算|另外算|分别算|另行计算|叠加|同时(拿|享受|申请|领|获得)|一起(拿|算|享受|申请)|"
                         r"都能(拿|享受)|兼得|(能|可以|能不能|可不可以|还能)?(也|同时|一起|再|还)(能)?(拿|享受|申请|领)")
# An interpretive question about a rule: the adopted reading is part of the answer (DESIGN §5).
INTERPRETIVE_Q = re.compile(r"还是|含不含|包不包括|包括不包括|包含|是否包括|本身|(能否|能不能|可否|可不可以|是否)(叠加|同时|分别)|"
                            r"叠加|每个|是什么意思|什么意思|怎么理解|如何理解|指什么|是指|按什么(算|计算)|怎么算|如何计算|基数|"
                            r"是固定的|固定(的)?吗|上限|最多|最高|封顶|条件|单个企业的|是单个|每家")
# Eligibility conditions people ask about, by the calculator's condition id.
CONDITION_WORDS: list[tuple[str, re.Pattern]] = [
    ("above_scale", re.compile(r"规上|规模以上|规下|规模以下|小微企业")),
    ("completed", re.compile(r"竣工|完工")),
    ("in_national_stats", re.compile(r"统计库|入统")),
    ("complies_industrial_policy", re.compile(r"产业政策")),
    ("node.registered_in_longnan", re.compile(r"龙南(市)?注册|注册(在|于)?龙南|本地注册|注册地")),
    ("node.passed_acceptance", re.compile(r"验收")),
    ("node.connected", re.compile(r"接入")),
]
_REQUIRE_Q = re.compile(r"要求|需要|必须|必要|前提|才(能|可以)|要不要|需不需要|是否要|限(于|定)|只(有|限)")
_YESNO_Q = re.compile(r"吗|是否|能否|能不能|可不可以|可否|有没有")


_FACT_FLAGS: list[tuple[str, re.Pattern, bool]] = [
    # (fact, pattern, value when not negated)
    ("above_scale", re.compile(r"规上|规模以上|规模企业|规上企业"), True),
    ("above_scale", re.compile(r"规下|规模以下|小微企业(?!.*规上)"), False),
    ("completed", re.compile(r"竣工|完工|建成(投产)?|验收完成|投产"), True),
    ("completed", re.compile(r"在建|建设中|正在建|施工中"), False),
    ("in_national_stats", re.compile(r"入统|列入(了)?(国家)?统计库|纳入(了)?(国家)?统计(库)?|进(入)?(了)?(国家)?统计库|统计库|入库|纳统|列统"), True),
    ("complies_industrial_policy", re.compile(r"符合(国家)?(的)?(产业)?政策|产业政策(鼓励|支持|范围内)"), True),
    ("complies_industrial_policy", re.compile(r"(淘汰|限制)类|产业政策(上|方面)?(不符|不对|不满足|不支持|不允许)"), False),
    ("node_passed_acceptance", re.compile(r"通过(了)?验收|验收(通过|合格|完成)|已验收"), True),
    ("node_registered_in_longnan", re.compile(r"(在)?龙南(市)?(注册|登记)|注册(地)?(在|于)龙南|龙南(本地|的)?企业"), True),
    ("node_connected", re.compile(r"接入(了)?(二级)?节点|接入(了)?标识解析"), True),
]


# The enterprise's local-finance share of VAT and CIT (四（三）7), however people name it.
_LOCAL_SHARE = (r"(税收)?地方(财政)?(税收)?(收入)?(贡献|留成|留存|实得|分成|所得)(部分|税收|的部分)?|地方财政实得(部分|税收)?|"
                r"实得部分|地方财政")

# Amount slots: the nearest keyword before an amount (else after it, in the same segment) says what it is.
_SLOT_WORDS: list[tuple[tuple, re.Pattern]] = [
    (("cloud", "infrastructure"), re.compile(r"信息基础设施(上云)?|基础设施(上云)?")),
    (("cloud", "platform"), re.compile(r"平台系统(上云)?|平台上云|系统上云")),
    (("cloud", "application"), re.compile(r"业务应用(上云)?|应用上云")),
    (("cloud", "equipment"), re.compile(r"设备资源(上云)?|设备上云")),
    (("cloud", "manufacturing"), re.compile(r"制造能力(\(资源\)|（资源）)?(上云)?|制造资源(上云)?")),
    (("cloud", None), re.compile(r"上云")),
    (("node", "investment"), re.compile(r"二级节点|标识解析|节点")),
    (("local_tax_retained",), re.compile(_LOCAL_SHARE)),
    (("tax_paid",), re.compile(r"缴(了)?税|纳(了)?税|交(了)?税|税收|增值税|所得税")),
    (("ganzhou_smart_award",), re.compile(r"赣州(市)?|智能制造(示范|标杆)?|标杆")),
    (("equipment",), re.compile(r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入)?")),
    (("total_investment",), re.compile(r"(项目)?总投资|投资总额|项目投资|技改投资")),
    (("investment",), re.compile(r"投资额|投资|投入|花了|花费|支付")),
    # the enterprise's other figures (revenue, capital, output, loans): never an award input
    (("other",), re.compile(r"(年)?(营收|营业收入|营业额|主营(业务)?收入|销售(额|收入)|收入|产值|总产值|注册资本|注册资金|实收资本|"
                            r"资产|总资产|净资产|利润|净利润?|工资|薪酬|产量|贷款|融资|授信|租金|市值|估值|出口额|进口额|订单|合同额)")),
]

_TITLE_WORDS = [
    ("lianghua", re.compile(r"两化(深度)?融合(管理体系)?(贯标|示范|试点)?(企业)?|贯标(企业)?")),
    ("service", re.compile(r"服务型制造(示范)?(企业|项目|平台)?(?!工程|(示范)?(企业|项目|平台)?工程)")),
]
_LEVELS = [
    ("national", re.compile(r"国家(级)?(?!产业|统计|政策)|国字号")),
    ("provincial", re.compile(r"(?<![节反])省(级)?(?![钱去掉])")),
    ("city", re.compile(r"(?<![赣州龙南城都超门])市(级)?(?![场财政工信委直民区])")),
]
_SMART_TITLE = re.compile(r"智能制造(示范|标杆)(企业)?|标杆企业")

_NOT_THIS_AMOUNT = re.compile(r"(不是|并非|而不是|而非|不是说)$")
# 再多买300万 / 追加投资200万: an increase of the amount talked about, not its new value
_DELTA_BEFORE = re.compile(r"(再|又|多|追加|增加|新增|另加|加|(?P<less>少|减少|减|扣除|去掉))(多|少)?(买|购买|购置|采购|投|投资|投入|花)?(了)?(设备)?$")
_NEW_PROJECT = re.compile(r"(再|又|还)?(加|增加|新增|多)(了)?一个(技改)?项目|另(一|外一)个(项目)?|第二个(项目)?|还有一个(项目)?|再一个(项目)?|另一项目")
_WHATIF = re.compile(r"^(那|那么|如果|假如|要是|假设|换成|改成|若|倘若)|如果|假如|要是|换成|改成|改为|变成|呢$|呢\?$")
_SWITCH = re.compile(r"^(另外|换个话题|换个问题|再问|还想问|顺便问|我还想问|还有个问题|另一个问题)")

_INJECTION = re.compile(
    r"忽略(之前|以上|上面|前面|所有|你的)?(的)?(所有)?(指令|指示|提示|规则|设定|要求)|ignore(all)?(previous|prior|above)|"
    r"systemprompt|系统提示(词)?|你现在是|扮演|越狱|jailbreak|不要(管|理会)(文件|规则)|直接告诉我.{0,8}(是|为)\d"
)


# The demand part of an injection (按10%给我算 / 直接批600万 / 告诉我补贴是1000万) is not a fact either.
_DEMAND = re.compile(r"给我算|直接(批|给|说|写)|不用管|告诉我.{0,6}(是|为)|就说|按\d+%|你(必须|务必|一定要|应该|得)|"
                     r"(必须|只能|只许)(回答|回复|输出|说|写)")
# 换个企业问：… / 重新开始: a new enterprise, the facts so far no longer apply
_RESET = re.compile(r"^(换|另)(一|个|一个)?(家|个)?(企业|公司|厂)|^(重新开始|重来|清空|重置|从头(开始|来)|新企业)|^(我们是)?另一家(企业|公司)")


@dataclass
class Turn:
    """What one question says: its kind, topic clause, stated facts and anything not understood."""

    text: str  # normalised
    intent: str = "lookup"  # help, abstain, out_of_scope, docfacts, lookup, unit, targets, claimable, award
    topics: list[str] = field(default_factory=list)  # clause ids, most relevant first
    clause_ref: str | None = None  # an explicit 四（三）1 / 第5条
    abstain_kind: str | None = None
    docfact: str | None = None  # number, date, issuers, title, cc
    facts: list[tuple[tuple, object]] = field(default_factory=list)  # (slot path, value) in text order
    titles: list[tuple[str, bool]] = field(default_factory=list)  # (lianghua_national, held?)
    problems: list[str] = field(default_factory=list)
    whatif: bool = False
    switch: bool = False
    injection: bool = False
    stacking: str | None = None
    asks_money: bool = False
    new_project: bool = False
    unresolved_amounts: list[Decimal] = field(default_factory=list)  # amounts with no keyword (what-if candidates)
    bare_levels: list[tuple[str, bool]] = field(default_factory=list)  # 我们是省级的: a level with no title family
    year: int | None = None  # a year named in the question (2024年呢)
    approx: list[str] = field(default_factory=list)  # amounts stated as approximate (1200万左右), as written
    deltas: list[tuple[tuple | None, Decimal]] = field(default_factory=list)  # increases (再多买300万): slot or None
    reset: bool = False  # 换个企业问：… starts a new profile
    unit_name: str | None = None  # 市财政局负责哪些条款: the unit asked about
    focus: str = ""  # the asking part of the turn (question_focus)
    separate: bool = False  # 设备奖补另算吗: whether a rule of this document is counted on its own
    interpretive: bool = False  # 含不含 / 还是 / 是什么意思 about a rule: give the adopted reading
    asked_conditions: list[str] = field(default_factory=list)  # 上云补贴要求是规上企业吗 → ["above_scale"]
    figures: list[Decimal] = field(default_factory=list)  # amounts asked about (500万补助总额是什么意思), not facts
    # a what-if the calculator's helpers answer: min_equipment, equipment_cap, node_cap, cloud_cap, tax_distance
    reverse: str | None = None


_MONEY_Q = re.compile(
    r"能拿|可以拿|拿多少|能拿到|能获得|可获得|能得|能补|补多少|奖多少|奖励多少|补贴多少|补助多少|奖补多少|多少钱|多少奖励|"
    r"能享受|可以享受|能不能(拿|享受|申请|获得)|可不可以|能否(享受|获得|申请)|符合(条件)?吗|有没有(奖|补)|有(奖励|补贴|补助)吗|"
    r"合计|一共|总共|算一下|测算|计算|多少$|多少\?|够不够|够吗"
)
_CLAIMABLE_Q = re.compile(r"(还)?(能|可以|可)(申请|申报|享受|拿)(哪些|什么|哪几)|哪些(奖励|补贴|奖补|补助|政策)|有(哪些|什么)(奖励|补贴|奖补|补助)|奖励(有|包括)哪些|都有什么(奖|补)")
_UNIT_Q = re.compile(r"哪个(部门|单位|局)|哪些(部门|单位)|什么(部门|单位)|谁(负责|管|牵头)|归(谁|哪)|找(谁|哪个)|责任单位|负责(部门|单位)|主管(部门|单位)|牵头(部门|单位)|咨询(谁|哪)|问(谁|哪个部门)")
_HELP_Q = re.compile(r"^(帮助|help|/help|\?|你好|您好|hi|hello|怎么用|使用说明)$|你(能|可以|会)(做|干|回答)(什么|啥)|能问什么|怎么使用|你是谁")
_DOCFACT_Q: list[tuple[str, re.Pattern]] = [
    ("recipients", re.compile(r"发给(哪些|哪个|谁)|印发给|主送|下发给|发到哪些|(通知|文件)(的)?(对象|受文单位)")),
    ("number", re.compile(r"文号|发文字号|字号|几号文|哪个文|文件号|编号")),
    ("date", re.compile(r"(什么时候|哪天|何时|哪一天|几号|日期|哪年)(印发|发布|出台|发的|下发|颁布)|(印发|发布|出台|下发|颁布)(时间|日期|于)|成文日期")),
    ("issuers", re.compile(r"(谁|哪家|哪(个|些|几个|两个)(单位|部门|机关))(联合|共同)?(印发|发布|发的|出台|下发|制定)|发文(机关|单位)|印发单位|发布单位|制定单位|"
                           r"(市委办|政府办|市委办公室|政府办公室|市委|市政府)[^,，。]{0,8}(发的|印发|发布|出的|下发)")),
    ("title", re.compile(r"(文件|文件的)?(标题|名称|全称|叫什么)|什么文件")),
    ("cc", re.compile(r"抄送")),
]
# Document facts by concept, words in any order: a time word with an issuing verb (哪一年出的 / 何时下发的), or a
# structure word (几部分 / 框架) with no topic of its own.
_TIME_WORD = re.compile(r"哪一?年|哪一?天|什么时(候|间)|啥时(候)?|何时|几月|几号|日期|时间|年份")
_ISSUE_VERB = re.compile(r"印发|发布|出台|下发|颁布|成文|发文|出的|发的|出来的|发出|制定")
_DOC_NOUN = re.compile(r"文件|政策|通知|意见|文号|本文")
_MONEY_NOUN = re.compile(r"补贴|奖励|奖补|资金|钱|补助|申报|申请|到账|拨付|发放")
_STRUCTURE_Q = re.compile(r"几(个)?部分|哪(几|些)(个)?部分|几大(部分|块)|结构|目录|框架|章节|几章|几个章|大纲|提纲|分(为|成)几")


def _docfact_kind(focus: str, topics: list[str]) -> str | None:
    for kind, rx in _DOCFACT_Q:
        if rx.search(focus):
            return kind
    if _TIME_WORD.search(focus) and re.search(r"实施|施行|生效|执行", focus) and _DOC_NOUN.search(focus) \
            and not _MONEY_NOUN.search(focus):
        return "effective"  # 政策什么时候开始实施: the document states no separate date; it was issued on …
    if _TIME_WORD.search(focus) and not _MONEY_NOUN.search(focus) and (
            re.search(r"印发|发布|出台|下发|颁布|成文|发文", focus) or (_ISSUE_VERB.search(focus) and _DOC_NOUN.search(focus))):
        return "date"
    if _STRUCTURE_Q.search(focus) and not topics:
        return "structure"
    return None


_TARGET_Q = re.compile(r"工作目标|目标(是|有)?|多少家|几家|年均增长|增长多少|到2025|至2025|2025年")
# 第5条 with no section: the document's numbered articles are the award rules of 四（三）
_ARTICLE_RE = re.compile(r"第(\d+|[一二三四五六七])条")


# 市财政局负责哪些条款 / 金融服务中心管什么: a unit's remit, the reverse of 哪个部门负责
_UNIT_SCOPE_Q = re.compile(r"(负责|管|牵头|主管|分管|承担)(了)?(哪些|什么|哪几|哪个|啥|哪)|(哪些|哪几|什么)(条|条款|工作|事项|工程|内容|任务)[^,，。]{0,6}(由|归|是)|职责|"
                           r"哪(一|几|些)?(条|项|款|部分|工程|个条款)")


@lru_cache(maxsize=1)
def _unit_names() -> tuple[str, ...]:
    """Every responsible unit the loaded documents name (市财政局, 市金融服务中心, …), longest first."""
    try:
        from corpus import default_corpus

        names = {u for doc in default_corpus() for c in doc for u in c.units}
    except Exception:  # noqa: BLE001 - without the corpus no unit is recognised
        return ()
    return tuple(sorted(names, key=len, reverse=True))


def _named_unit(t: str) -> str | None:
    """The unit a question names, with or without its 市/区 prefix (财政局 → 市财政局)."""
    for u in _unit_names():
        short = u[1:] if u[:1] in "市区" and len(u) > 3 else u
        if normalise(u) in t or normalise(short) in t:
            return u
    return None


def _clause_reference(t: str) -> str | None:
    ids = named_clause_ids(t)
    if ids:
        return ids[0]
    m = _ARTICLE_RE.search(t)
    return f"4.3.{cn_to_int(m.group(1))}" if m else None


def _negated(t: str, seg: tuple[int, int], start: int) -> bool:
    """A negator in the few characters before `start` (same segment) flips the fact."""
    window = t[max(seg[0], start - 4):start]
    return bool(_NEG_RE.search(window))


def topics_of(t: str) -> list[str]:
    """The clause topics a (normalised) text names, most relevant first."""
    return _topics(t)


def _topics(t: str) -> list[str]:
    matches = []  # (start, end, cid, rank)
    for rank, (cid, rx) in enumerate(_TOPIC_RES):
        for m in rx.finditer(t):
            if m.end() > m.start():
                matches.append((m.start(), m.end(), cid, rank))
    # a term inside a longer term of another topic does not count (技术改造项目 in 技术改造项目库)
    matches = [m for m in matches if not any(o[2] != m[2] and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])
                                             for o in matches)]
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for start, end, cid, rank in matches:
        scores[cid] = scores.get(cid, 0) + 1 + (end - start) / 10
        order.setdefault(cid, rank)
    # cloud stages mention 设备资源 and 平台: the 4.3.1 word 设备 inside 设备资源上云 is not about equipment
    if "4.3.5" in scores and "4.3.1" in scores and not re.search(r"(购买|购置|采购|买)(了)?(的)?设备|设备(投资|购置|采购|投入)|竣工|统计库|入统", t):
        del scores["4.3.1"]
    if "4.3.4" in scores:
        scores.pop("3.4", None)
    return sorted(scores, key=lambda c: (-scores[c], order[c]))


_SENT_RE = re.compile(r"[。；;！!？?\n]")


def _sentence_start(t: str, pos: int) -> int:
    last = 0
    for m in _SENT_RE.finditer(t, 0, pos):
        last = m.end()
    return last


def _concepts(t: str, lo: int, hi: int) -> list[tuple[int, int, tuple]]:
    """Amount-concept words in t[lo:hi]; one inside a longer one (税收 in 地方税收留成, 设备 in 设备资源上云) is dropped."""
    found = [(m.start(), m.end(), slot) for slot, rx in _SLOT_WORDS for m in rx.finditer(t, lo, hi) if m.end() > m.start()]
    return [f for f in found if not any(o is not f and o[0] <= f[0] and f[1] <= o[1] and o[1] - o[0] > f[1] - f[0]
                                        for o in found)]


def _slot_for(t: str, seg: tuple[int, int], span: tuple[int, int]) -> tuple | None:
    """The concept a money amount belongs to: the nearest concept word before it in its segment, else after it,
    else the nearest one earlier in the same sentence (做了平台系统上云，付了8万 / 一个设备800万，另一个2500万).

    A weak word (投资 / 花了) only counts when no concept word is found (买设备花了1200万 is equipment)."""
    cands = []  # (weak, after, distance, -length, slot)
    for start, end, slot in _concepts(t, seg[0], seg[1]):
        if end <= span[0]:
            cands.append((slot == ("investment",), 0, span[0] - end, -(end - start), slot))
        elif start >= span[1]:
            cands.append((slot == ("investment",), 1, start - span[1], -(end - start), slot))
    best = min(cands, key=lambda c: c[:4]) if cands else None
    if best is not None and not best[0]:
        return best[-1]
    earlier = [c for c in _concepts(t, _sentence_start(t, seg[0]), seg[0]) if c[2] != ("investment",)]
    if earlier:
        return max(earlier, key=lambda c: (c[1], c[1] - c[0]))[2]
    return best[-1] if best else None


_BARE_NUMBER = re.compile(r"(?<![\d.,])(\d{5,}(?:\.\d+)?)(?![\d.%年家个项号])")
_BAD_AMOUNT = re.compile(r"(?<![a-z0-9])([a-z#@*]+[0-9a-z]*|[0-9]+[a-z#@*]+[0-9a-z]*)(万元|万|亿元|亿|元)")


_ZERO_AMOUNT = re.compile(r"(?:是|为|有|只有|仅|:)(0|零)(?:元|块)?(?![\d.%万亿])")
_FOREIGN_AMOUNT = re.compile(
    r"(?:\d[\d.,]*|[零一二两三四五六七八九十百千]+)(?:[十百千万亿]+)?(?:美元|美金|港元|港币|欧元|日元|英镑|韩元|卢布|澳元|加元|台币)"
    r"|\$\d[\d.,]*|usd\d[\d.,]*|\d[\d.,]*usd|\d[\d.,]*[万千]?(美)?刀(?!具)"
)
# No tax paid this year: the local share is zero (四（三）7 then caps every award at 0).
_NO_TAX = re.compile(r"(没|未|没有)(交|缴|纳)(过)?(任何)?税|零纳税|(税|税收)(是|为)?(0|零)(?![\d.])")
# A total of the amounts just listed (加起来800万) is not another item.
_SUM_WORD = re.compile(r"(加起来|加在一起|合计|一共|总共|共计|总计|累计)(是|为|有|投了|花了)?$")
_PROJECT_COUNT = re.compile(r"(两|俩|二|2|三|3|四|4|五|5)个(技改|技术改造)?项目|(两|俩)项目")
_EACH = re.compile(r"每个|每一个|每项|各(个)?项目|各(自)?(都)?(买|投|花|采购|购置|是)|均|各$")
# a fact supposed in a question: 如果入统了能拿多少 / 那入统之后呢
_HYPOTHETICAL_BEFORE = re.compile(r"(如果|假如|要是|假设|若|等|那)[^,，]{0,4}$")
_HYPOTHETICAL_AFTER = re.compile(r"(了)?(之后|以后|后)")
_REQUIREMENT_Q = re.compile(r"需要|要求|必须|是否|要不要|需不需要|条件|才(能|可以)")


def _supposed(t: str, seg: tuple[int, int], m: re.Match) -> bool:
    return bool(_HYPOTHETICAL_BEFORE.search(t[seg[0]:m.start()]) or _HYPOTHETICAL_AFTER.match(t, m.end()))
_COUNT = {"两": 2, "俩": 2, "二": 2, "2": 2, "三": 3, "3": 3, "四": 4, "4": 4, "五": 5, "5": 5}


# Digits that identify rather than count: phone numbers, post codes, codes and ids.
_ID_BEFORE = re.compile(r"(电话|手机|座机|热线|邮编|代码|编号|编码|号码|账号|帐号|qq|微信|tel|传真|身份证|工号|订单号|合同号)[^\d]{0,3}$")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# 1200多万 / 1200余万: the 多 read as a space keeps spans valid and lets the parser read 1200 万
_APPROX_INNER = re.compile(r"(?<=\d)[多余来](?=[十百千万亿])")
_APPROX_BEFORE = re.compile(r"(约|大约|大概|大致|差不多|将近|接近|估计|预计|近|约合)[^\d,，。;；]{0,4}$")
_APPROX_AFTER = re.compile(r"^(左右|上下|出头|多)")


def _amounts(t: str) -> tuple[list[tuple[Decimal, tuple[int, int]]], list[str], set[tuple[int, int]], list[str]]:
    """(amounts with spans, problems, spans of unit-less numbers, approximate amounts as written)."""
    found = list(find_amounts(_APPROX_INNER.sub(" ", t)))
    problems: list[str] = []
    covered = [span for _, span in found]
    bare: set[tuple[int, int]] = set()
    for m in _BARE_NUMBER.finditer(t):
        if any(s <= m.start() < e for s, e in covered):
            continue
        if _MOBILE.fullmatch(m.group(1)) or _ID_BEFORE.search(t[max(0, m.start() - 8):m.start()]):
            continue  # 电话13807970000 / 邮编341700 identify, they do not count money
        try:
            found.append((parse_amount(m.group(1)), m.span(1)))
            bare.add(m.span(1))
        except AmountError as e:
            problems.append(str(e))
    approx = []
    for _, (a, b) in found:
        before = _APPROX_BEFORE.search(t[max(0, a - 7):a])
        after = _APPROX_AFTER.match(t[b:b + 2])
        if before or after or _APPROX_INNER.search(t[a:b]):
            approx.append(t[a:b + (len(after.group(0)) if after else 0)] if after or not before else
                          before.group(1) + t[a:b])
    # money-looking tokens the parser refused (负100万, 3万亿亿) get the parser's own explanation
    for m in re.finditer(r"(负|-)\d[\d.,]*(万元|万|亿元|亿|元)|\d[\d.,]*(亿|万)(亿|万)+(元)?|\d[\d.,]{14,}(元)?", t):
        if any(s <= m.start() < e for s, e in covered):
            continue
        try:
            parse_amount(m.group(0))
        except AmountError as e:
            problems.append(str(e))
    for m in _BAD_AMOUNT.finditer(t):
        if any(s <= m.start() < e for s, e in covered):
            continue
        problems.append(f"没能读懂金额“{m.group(0)}”，请写成 1200万、1,200万元 或 12000000元 这样的形式。")
    # 地方财政实得部分是0: a stated zero needs no unit
    for m in _ZERO_AMOUNT.finditer(t):
        if not any(s <= m.start() < e for s, e in covered):
            found.append((Decimal("0.00"), m.span(1)))
    for m in _FOREIGN_AMOUNT.finditer(t):
        problems.append(f"“{m.group(0)}”不是人民币金额，无法使用：本助手只能按人民币（元、万元、亿元）计算，请换算为人民币后再输入。")
    # 负100万: the parser already explained why; the bare 100万 after 负 is not a fact
    found = [(a, sp) for a, sp in found if not (sp[0] > 0 and t[sp[0] - 1] in "负-")]
    found.sort(key=lambda x: x[1][0])
    return found, problems, bare, approx


def _extract_facts(turn: Turn, t: str) -> None:
    segs = segments(t)
    # flags (规上 / 已竣工 / 入统 / 符合产业政策 / 验收 / 注册地), negation-aware, statements only
    for fact, rx, value in _FACT_FLAGS:
        for m in rx.finditer(t):
            seg = _segment_of(segs, m.start())
            seg_text = t[seg[0]:seg[1]]
            if _ASKING_RE.search(seg_text) and not re.search(r"(我们|我司|本企业|我公司|本公司|我单位)", seg_text) \
                    and not (_supposed(t, seg, m) and not _REQUIREMENT_Q.search(seg_text)):
                continue  # 需要竣工吗 asks; 那入统之后能拿多少 supposes the fact
            if fact == "in_national_stats" and m.group(0) == "入库" and (
                    re.search(r"项目库|技改库|(市|省)级", seg_text) or _INTERROGATIVE.search(t[seg[0]:seg[1] + 1])
                    or not re.search(r"竣工|规上|规模以上|设备|产业政策", t)):
                continue  # 入库 of the project library (四（一）: 能入库吗) is not the statistics library
            negated = _negated(t, seg, m.start()) or bool(_POST_NEG_RE.fullmatch(t[m.end():seg[1]]))
            if value and _FUTURE_RE.search(t[max(seg[0], m.start() - 8):m.start()]):
                negated = True  # 预计明年竣工: not yet
            v = value if not negated else not value
            turn.facts.append(((fact,), v))
    if _REGISTERED_ELSEWHERE.search(t):
        turn.facts.append((("node_registered_in_longnan",), False))
    _titles(turn, t, segs)
    # amounts
    found, problems, bare, turn.approx = _amounts(t)
    turn.problems.extend(problems)
    count = _PROJECT_COUNT.search(t)
    unresolved: list[Decimal] = []
    for amount, span in found:
        seg = _segment_of(segs, span[0])
        seg_text = t[seg[0]:seg[1]]
        if (re.search(r"门槛|含不含|包不包括|及以上|以上的|才(能|可以)|是否|算不算|(含|包括|包含)[^,，。]{0,8}(吗|\?)", seg_text + t[seg[1]:seg[1] + 1]) or INTERPRETIVE_Q.search(seg_text) and _Q_MARK.search(t[seg[0]:seg[1] + 1])
                and not re.search(r"能拿|拿多少|补多少|能补|多少钱", seg_text)) and not _SELF_RE.search(seg_text):
            turn.figures.append(amount)
            continue  # 达500万元及以上才能拿吗 / 500万补助总额是什么意思: a figure asked about, not the enterprise's own
        if _NOT_THIS_AMOUNT.search(t[max(seg[0], span[0] - 4):span[0]]):
            continue  # 设备是800万不是1200万: the amount denied is not a fact
        if span in bare and not _concepts(t, seg[0], seg[1]):
            continue  # a unit-less number with no money word beside it ({"award": 9999999}) is not an amount
        slot = _slot_for(t, seg, span)
        if slot == ("other",):
            continue  # 年产值6000万 / 注册资本5000万: the enterprise's figures, not award inputs
        dm = _DELTA_BEFORE.search(t[seg[0]:span[0]])
        delta = dm is not None
        if dm is not None and dm.group("less"):
            amount = -amount  # 少买200万: a decrease
        if slot is None:
            if delta:
                turn.deltas.append((None, amount))
            elif count and _EACH.search(t[seg[0]:span[0]]):
                unresolved.extend([amount] * _COUNT.get((count.group(1) or count.group(3) or "")[:1], 1))
            else:
                unresolved.append(amount)
            continue
        if slot == ("investment",):
            # a bare 投资/花了 belongs to the topic of the question: 二级节点投资80万 / 技改项目投资2000万
            top = turn.topics[0] if turn.topics else None
            slot = {"4.3.6": ("node", "investment"), "4.3.1": ("total_investment",), "4.1": ("total_investment",),
                    "4.3.5": ("cloud", None), "4.3.7": ("local_tax_retained",)}.get(top)
            if slot is None:
                unresolved.append(amount)
                continue
        if delta and slot not in (("cloud", None), ("tax_paid",)):
            turn.deltas.append((slot, amount))
            continue
        amount = abs(amount)
        if slot == ("cloud", None):
            stage = _last_stage_before(t, span[0]) or next(
                (c[2] for c in _concepts(t, span[1], seg[1]) if c[2][0] == "cloud" and c[2][1]), None)
            if stage:
                turn.facts.append((stage, amount))
                continue
            turn.problems.append(f"{_fmt(amount)}是哪个上云阶段支付的？请说明信息基础设施、平台系统、业务应用、设备资源或制造能力上云。")
            continue
        if slot == ("tax_paid",):
            turn.problems.append(
                f"四（三）7以企业当年所缴增值税、企业所得税的地方财政实得部分为限；{_fmt(amount)}如是缴税总额，请再提供其中地方财政实得部分的金额。"
            )
            continue
        if _SUM_WORD.search(t[seg[0]:span[0]]) and sum(1 for s_, _ in turn.facts if s_ == slot) >= 2:
            continue  # 分别400万和400万，加起来800万: the sum of the listed projects
        copies = 1
        if slot == ("equipment",) and count and _EACH.search(t[seg[0]:span[0]] + t[count.end():span[0]]):
            copies = _COUNT.get((count.group(1) or count.group(3) or "")[:1], 1)  # 两个项目每个都买了2000万
        turn.facts.extend([(slot, amount)] * copies)
    # an amount with no keyword is a what-if on the last amount (那如果是5000万呢), unless the turn places amounts of
    # its own: then it is another figure of the enterprise (营收1.5亿) and is not taken for any of them
    if not any(isinstance(v, Decimal) for _, v in turn.facts) and not turn.deltas:
        turn.unresolved_amounts.extend(unresolved)
    if _NO_TAX.search(t) and not any(s_ == ("local_tax_retained",) for s_, _ in turn.facts):
        turn.facts.append((("local_tax_retained",), Decimal("0.00")))
    _all_conditions(turn, t, segs)
    # 是分别奖励还是就高？ asks which; 如果不能叠加，只按最高的算呢 states a what-if
    question_like = re.search(r"还是|吗|是否|能否|能不能|可不可以", t)
    if re.search(r"就高|取最高|按最高|只(能)?拿(一个|最高)|不(能|可以)?叠加", t) and not question_like:
        turn.stacking = "highest"
    elif re.search(r"累加|叠加计算|都拿|全部拿|可以叠加", t) and not question_like:
        turn.stacking = "cumulative"
    sm = _SMART_TITLE.search(t)
    if sm:
        seg = _segment_of(segs, sm.start())
        seg_text = t[seg[0]:seg[1]]
        # 智能制造示范企业的配套是怎么算的: a bare 是 in a question states nothing
        stated = (re.search(r"获得|获评|评为|认定|被评", seg_text)
                  or ("是" in seg_text and (_SELF_RE.search(t) or not _Q_MARK.search(t[seg[0]:seg[1] + 1])))) \
            and (not _ASKING_RE.search(seg_text) or _SELF_RE.search(t))
        if stated:
            turn.facts.append((("smart_recognised",), not _NEG_RE.search(t[max(seg[0], sm.start() - 6):sm.start()])))


# "All the conditions hold" (条件都满足 / 都符合条件 / 四个条件都具备), with its negation scope: 条件都不满足 → all
# false; 不是所有条件都满足 / 条件不全满足 → says nothing about any single one.
_ALL_COND = re.compile(
    r"(?P<pre>不是|并非|并不是|没有|未必)?(所有|全部|各项|各个|四个|4个|这些|其他|其余|其它|别的|以上)?(的)?条件"
    r"(?P<adv>都|全|均|全部|也都|都已经|都已|已经|已)?(?P<neg>不|没|未|没有)?(?P<adv2>全|都)?(满足|符合|具备|达到|齐全|达标|没问题)(了)?"
    r"|(?P<pre2>不是|并非|没有)?(都|全部|全|均)(?P<neg2>不|没)?(满足|符合|具备)(了)?(所有|全部|各项|四个|这些)?(的)?条件"
)
_ASKED_COND = re.compile(r"吗|\?|是否|哪些|什么|需要|要求|有没有|能不能满足|需不需要|要满足")


def _all_conditions(turn: Turn, t: str, segs: list[tuple[int, int]]) -> None:
    for m in _ALL_COND.finditer(t):
        seg = _segment_of(segs, m.start())
        if _ASKED_COND.search(t[seg[0]:seg[1]]):
            continue
        if m.group("pre") or m.group("pre2") or (m.group("neg") and m.group("adv2") == "全"):
            continue  # partial: nothing is known about any one condition
        negative = bool(m.group("neg") or m.group("neg2"))
        turn.facts.append((("all_conditions",), not negative))


_TITLE_STATED = re.compile(r"是|获得|获评|评为|评上|通过|列为|拿到|拿了|有|被认定|认定|当选|入选")
_LEVEL_Q_MONEY = re.compile(r"奖多少|奖励多少|多少钱|能拿|拿多少|奖励是多少|补多少|有(奖励|奖金|钱)吗|给多少")


def _titles(turn: Turn, t: str, segs: list[tuple[int, int]]) -> None:
    """Titles with their levels. Levels before or after the family name, coordinated with 和/及/、/以及/还有/都,
    all count (国家级两化融合贯标和省级示范都拿了 → both); in a segment naming both families each level goes to the
    family it precedes. A question about one level (市级服务型制造示范企业奖多少) is computed as if held."""
    mentions = [(m.start(), m.end(), kind, m.group(0)) for kind, rx in _TITLE_WORDS for m in rx.finditer(t)]
    if not mentions:
        found = sorted((m.start(), m.end(), lv) for lv, lrx in _LEVELS for m in lrx.finditer(t))
        prev_end = 0
        for start, end, lv in found:
            seg = _segment_of(segs, start)
            lo = max(seg[0], prev_end)
            turn.bare_levels.append((lv, not _negated_title(t, (lo, seg[1]), lo, start)))
            prev_end = end
        return
    prev_kinds: list[str] = []  # the families of the previous segment in the same sentence
    missing: set[str] = set()  # families stated without a level
    for seg in segs:
        fam = [x for x in mentions if seg[0] <= x[0] < seg[1]]
        seg_text = t[seg[0]:seg[1]]
        if not fam:
            # 在省里拿了两化融合示范，市里也评了: a level in the next clause continues the same family
            if len(prev_kinds) == 1 and _sentence_start(t, seg[0]) < seg[0] \
                    and re.search(r"也|还|同时|另外|都|评|拿|获|只是|就是|(?<!还)是(?!否)", seg_text) and not _ASKING_RE.search(seg_text):
                for lv, lrx in _LEVELS:
                    if lrx.search(seg_text):
                        turn.titles.append((f"{prev_kinds[0]}_{lv}", not _negated_title(t, seg, seg[0], seg[1])))
                        missing.discard(prev_kinds[0])
            prev_kinds = prev_kinds if _sentence_start(t, seg[1]) <= seg[0] else []
            continue
        prev_kinds = list(dict.fromkeys(f[2] for f in fam))
        levels: dict[int, list[str]] = {i: [] for i in range(len(fam))}
        for lv, lrx in _LEVELS:
            for m in lrx.finditer(t, seg[0], seg[1]):
                if any(f[0] <= m.start() < f[1] for f in fam):
                    continue
                following = [i for i, f in enumerate(fam) if f[0] >= m.end()]
                target = following[0] if following else max(range(len(fam)), key=lambda i: fam[i][1])
                if lv not in levels[target]:
                    levels[target].append(lv)
        stated = bool(_SELF_RE.search(seg_text) or (_TITLE_STATED.search(seg_text) and not _ASKING_RE.search(seg_text)))
        for kind in dict.fromkeys(f[2] for f in fam):
            idx = [i for i, f in enumerate(fam) if f[2] == kind]
            lv = list(dict.fromkeys(x for i in idx for x in levels[i]))
            words = "".join(fam[i][3] for i in idx)
            if not lv and kind == "lianghua" and "贯标" in words:
                lv = ["national"]
            if not lv and kind == "lianghua" and "深度" in words:
                lv = ["provincial"]
            if not stated:
                # a question about one level is a what-if for that title; several levels asked 分别 is the rule itself
                if len(lv) == 1 and _LEVEL_Q_MONEY.search(t) and not re.search(r"分别|各级|各自|每级", t):
                    turn.titles.append((f"{kind}_{lv[0]}", True))
                continue
            if not lv:
                # only a clause stating the title (我们是服务型制造示范企业) lacks its level; a question does not
                if _TITLE_STATED.search(seg_text) and (_SELF_RE.search(seg_text) or not _Q_MARK.search(t[seg[0]:seg[1] + 1])):
                    missing.add(kind)  # unless a later clause names the level (…示范企业，市里评的)
                continue
            held = not _negated_title(t, seg, seg[0], fam[idx[0]][0])
            for x in lv:
                turn.titles.append((f"{kind}_{x}", held))
    for kind in sorted(missing):
        turn.problems.append(f"没能判断{'两化融合' if kind == 'lianghua' else '服务型制造'}称号的级别，请说明是国家级、省级还是市级。")


def _last_stage_before(t: str, pos: int) -> tuple | None:
    """The cloud stage named last before `pos` anywhere in the question (做了信息基础设施上云，实际支付了10万元)."""
    best = None
    for slot, rx in _SLOT_WORDS:
        if slot[0] != "cloud" or slot[1] is None:
            continue
        for m in rx.finditer(t, 0, pos):
            if best is None or m.end() > best[0]:
                best = (m.end(), slot)
    return best[1] if best else None


def _negated_title(t: str, seg: tuple[int, int], lo: int, start: int) -> bool:
    """没有获得/未评为/不是 … 称号: look from the segment start (the level words sit in between)."""
    window = t[seg[0]:start]
    return bool(re.search(r"(没有|没|未|不是|尚未|还没|并非|不属于)(获得|获评|评为|评上|通过|列为|拿到|被评|被认定|认定|是)?", window)) and not re.search(
        r"(已|已经|获得了|通过了|评上了)", window[-8:]
    )


# What-if questions asked backwards, from the award to the input (设备投资多少起补 / 买多少设备才能拿满200万).
# 设备补助封顶多少 asks the cap itself (a lookup); here 多少 comes before the cap word: the input that reaches it.
_CAP_REACHED = r"多少[^,，。;；]{0,12}(拿满|封顶|到顶|顶格|满额|(到|达到|拿到|够)(了)?(上限|最高|封顶|顶))"
_REVERSE_Q: list[tuple[str, re.Pattern]] = [
    ("tax_distance", re.compile(r"(离|距离?)(封顶|上限|限额|顶)[^,，。]{0,4}(还)?(差|有|剩)多少|还差多少[^,，。]{0,4}(封顶|到上限|到顶)|"
                                r"(封顶|上限)还差多少|还(能|可以)(再)?(拿|补|领|得|多拿)多少[^,，。]{0,6}(上限|封顶|到顶)")),
    ("node_cap", re.compile(rf"(二级节点|标识解析|节点)[^,，。]{{0,8}}{_CAP_REACHED}")),
    ("cloud_cap", re.compile(rf"上云[^。]{{0,16}}{_CAP_REACHED}")),
    ("equipment_cap", re.compile(rf"设备[^,，。]{{0,8}}{_CAP_REACHED}|买多少设备[^,，。]{{0,8}}(拿满|封顶|到顶|顶格|上限)")),
    ("min_equipment", re.compile(r"设备[^,，。]{0,8}(至少|最少|最低|起码)[^,，。]{0,6}多少|(至少|最少|最低|起码)[^,，。]{0,6}(买|投|花)?多少[^,，。]{0,2}设备|"
                                 r"设备[^,，。]{0,8}多少(钱)?(才)?(能|可以)?起(补|奖)")),
]
# A segment that names a cap (上云最多补到5万): its amount is the figure asked about, not the enterprise's own.
_CAP_SEGMENT = re.compile(rf"{_CAP_REACHED}|最多|最高|封顶|上限|拿满|满额|至少|最少|起补|起奖")


def _reverse_kind(t: str) -> str | None:
    return next((kind for kind, rx in _REVERSE_Q if rx.search(t)), None)


def cloud_stages(t: str) -> list[str]:
    """The cloud stages a (normalised) text names, in text order, without repeats: ["infrastructure", ...]."""
    found = sorted((start, slot[1]) for start, _, slot in _concepts(t, 0, len(t)) if slot[0] == "cloud" and slot[1])
    return list(dict.fromkeys(stage for _, stage in found))


def _fmt(amount: Decimal) -> str:
    from tools.amounts import format_yuan

    return format_yuan(amount)


def understand(question: str) -> Turn:
    """Classify one turn and extract what it states. Never raises on user text."""
    t = correct_terms(normalise(question))
    turn = Turn(text=t)
    if not t or not re.search(r"[\w\u4e00-\u9fa5]", t):
        turn.intent = "help"
        return turn
    if _INJECTION.search(t):
        turn.injection = True
    turn.switch = bool(_SWITCH.search(t))
    turn.reset = bool(_RESET.search(t))
    turn.whatif = bool(_WHATIF.search(t)) and not turn.switch
    turn.new_project = bool(_NEW_PROJECT.search(t))
    turn.topics = _topics(t)
    turn.clause_ref = _clause_reference(t)
    turn.asks_money = bool(_MONEY_Q.search(t))
    # one year asked about (2024年呢); 到2025年 is the deadline of a cumulative target, not a year's own figure
    years = {m.group(1) for m in re.finditer(r"(?<!\d)(20\d\d)\s*年", t)}
    if len(years) == 1 and not re.search(r"(到|至|截至|截止)\s*20\d\d", t):
        turn.year = int(years.pop())
    turn.reverse = _reverse_kind(t)
    if turn.injection:
        # an injected instruction states no facts: drop its segments, keep the plain profile statements
        kept = [t[a:b] for a, b in segments(t) if not (_INJECTION.search(t[a:b]) or _DEMAND.search(t[a:b]))]
        _extract_facts(turn, "，".join(kept))
    elif turn.reverse and turn.reverse != "tax_distance":
        # 二级节点投资多少能拿满20万: the 20万 is the cap asked about; statements beside the question still count
        kept, asked_about = [], []
        for a, b in segments(t):
            (asked_about if _CAP_SEGMENT.search(t[a:b]) else kept).append(t[a:b])
        _extract_facts(turn, "，".join(kept))
        turn.figures.extend(v for part in asked_about for v, _ in find_amounts(part))
    else:
        _extract_facts(turn, t)
    turn.focus = question_focus(t)
    turn.separate = bool(_SEPARATE_Q.search(turn.focus))
    turn.interpretive = bool(INTERPRETIVE_Q.search(turn.focus))
    for clause in _figure_clauses(t, turn.figures):
        if clause not in turn.topics:
            turn.topics.insert(0, clause) if not turn.topics else turn.topics.append(clause)
    if turn.clause_ref and turn.topics and turn.topics[0].startswith(turn.clause_ref + "."):
        turn.clause_ref = turn.topics[0]  # 四（三）几是讲二级节点的: the item of 四（三） the question names
    if _LOCATE_Q.search(turn.focus) and not turn.clause_ref and not turn.titles \
            and not any(isinstance(v, Decimal) for _, v in turn.facts) and not turn.unresolved_amounts:
        _place_by_text(turn)
    if _REQUIRE_Q.search(turn.focus) or _YESNO_Q.search(turn.focus):
        where = turn.focus if _REQUIRE_Q.search(turn.focus) else t
        turn.asked_conditions = [cid for cid, rx in CONDITION_WORDS if rx.search(where)]
    turn.intent = _route(turn, t)
    return turn


# --- clause text search: where the document itself says it ----------------------------------------------------

# A lookup asking for a figure, a target or where a provision is: the sentence that says it decides the clause.
# (Money questions about a rule — 比例 / 上限 / 最多 — are placed by the rule's concept words, which are reliable.)
_COUNT_Q = re.compile(r"几(个|家|项|条|所|批)|多少(个|家|项|条|所|批)|目标|培育|打造|创建|建几|建多少")
_LOCATE_Q = re.compile(rf"{_COUNT_Q.pattern}|哪(一)?条|哪个条款|哪一款|哪(个)?部分|在哪(里|儿)?(规定|讲|说|写|提)|出自|原文|"
                       r"怎么(说|写|规定|讲)")
_DIGIT = re.compile(r"\d")
_NOISE_CHARS = re.compile(r"[\d的是了吗呢么几多少什哪谁怎啥有没要能可该那这个条讲说写呀吧啊,，.。?？]")
# how far (in summed idf) a clause's own sentence must lead the keyword topic's best sentence to take its place
_TEXT_LEAD = 2.0
_TEXT_MIN = 6.0


@lru_cache(maxsize=1)
def _sentence_index() -> tuple[list[tuple[str, str, frozenset]], dict[str, float]]:
    """Every sentence of the loaded documents as (clause id, normalised text, bigrams), and each bigram's idf."""
    import math

    from assistant.compose import bigrams, sentences
    from corpus import default_corpus

    rows = []
    for doc in default_corpus():
        for c in doc:
            # a heading (主要任务 / 保障措施) is the text of a clause whose body is its children
            for sent in [*sentences(c.text), *([c.heading] if c.heading else [])]:
                n = normalise(sent)
                rows.append((c.id, n, frozenset(bigrams(n))))
    df: dict[str, int] = {}
    for _, _, bg in rows:
        for b in bg:
            df[b] = df.get(b, 0) + 1
    return rows, {b: math.log((len(rows) + 1) / k) for b, k in df.items()}


def text_scores(t: str, figure: bool = False) -> dict[str, float]:
    """Each clause's best sentence score for a (normalised) question: the summed idf of the bigrams they share,
    rare words weighing most; with `figure`, a sentence that carries a number is preferred."""
    try:
        rows, idf = _sentence_index()
    except Exception:  # noqa: BLE001 - without the corpus no sentence places anything
        return {}
    from assistant.compose import bigrams

    # function words and digits say nothing about where (企业的 / 2024 would match 示范企业的 / 20万元)
    q = {b for b in bigrams(t) if not _NOISE_CHARS.search(b)}
    out: dict[str, float] = {}
    for cid, sent, bg in rows:
        score = sum(idf[b] for b in q & bg)
        if score and figure and _DIGIT.search(sent):
            score += 1.0
        if score > out.get(cid, 0.0):
            out[cid] = score
    return out


def _place_by_text(turn: Turn) -> None:
    """Put first the clause whose own sentence answers a figure / target / where-is question (两化融合示范企业培育目标
    is 三（二）'s target, not 四（三）3's award), when it clearly beats the keyword topic's best sentence."""
    # the whole turn: a hotline question names its subject before the asking clause (…这类创新平台，目标是建几家)
    scores = text_scores(turn.text, figure=bool(_COUNT_Q.search(turn.text)))
    if not scores:
        return
    best = max(scores, key=lambda c: (scores[c], -list(scores).index(c)))
    current = turn.topics[0] if turn.topics else None
    if best == current:
        return
    if current is None:
        if scores[best] >= _TEXT_MIN:
            turn.topics.insert(0, best)
        return
    if scores[best] >= scores.get(current, 0.0) + _TEXT_LEAD:
        if best in turn.topics:
            turn.topics.remove(best)
        turn.topics.insert(0, best)


def _figure_clauses(t: str, figures: list[Decimal]) -> list[str]:
    """The clause a figure asked about comes from (500万补助总额 → 四（三）6): among the parameters with that value,
    the one whose own words share most with the question."""
    if not figures:
        return []
    try:
        from tools.params import load_parameters

        params = list(load_parameters())
    except Exception:  # noqa: BLE001 - without parameters a figure places nothing
        return []
    from assistant.compose import bigrams

    q = bigrams(t)
    out = []
    for amount in figures:
        cands = [p for p in params if p.unit == "元" and p.value == amount]
        if cands:
            best = max(cands, key=lambda p: len(q & bigrams(normalise(p.quote + p.label))))
            if best.clause not in out:
                out.append(best.clause)
    return out



_AMOUNT_SLOTS = ("equipment", "total_investment", "cloud", "node", "ganzhou_smart_award", "local_tax_retained")


def _route(turn: Turn, t: str) -> str:
    if _HELP_Q.search(t):
        return "help"
    if _OFF_TOPIC.search(t) and not turn.topics:
        turn.abstain_kind = "unrelated"
        return "abstain"
    # abstention, document facts and units are judged on the asking part only: the statements before it describe
    # the enterprise (做稀土永磁材料的 / 电话… / 在深圳也有分厂) and feed the profile instead
    focus = turn.focus or t
    asking = asking_text(focus)
    for kind, rx in ABSTAIN_PATTERNS:
        if kind == "equipment_scope" and turn.separate:
            continue  # 设备奖补另算吗: how this document's rules combine, not what counts as equipment
        if rx.search(asking):
            turn.abstain_kind = kind
            return "abstain"
    other = _OTHER_CITY_RE.search(focus)
    if other and not (other.group(0).startswith("赣州") and _GANZHOU_OK.search(t)):
        turn.abstain_kind = "other_city"
        return "abstain"
    kind = _docfact_kind(focus, turn.topics)
    if kind:
        turn.docfact = kind
        return "docfacts"
    unit = _named_unit(focus)
    if unit and _UNIT_SCOPE_Q.search(focus):
        turn.unit_name = unit
        return "unit_clauses"  # 市财政局负责哪些条款: the clauses naming that unit
    if _UNIT_Q.search(focus):
        return "unit"
    has_facts = bool(turn.facts or turn.titles or turn.unresolved_amounts or turn.stacking or turn.deltas)
    amounts = any(isinstance(v, Decimal) for _, v in turn.facts) or turn.unresolved_amounts or turn.deltas
    rules = [c for c in turn.topics if c in CLAUSE_RULES and c != "4.3.7"]
    if turn.asked_conditions and rules and not amounts and not turn.titles and (
            _REQUIRE_Q.search(focus) or any(v is False for _, v in turn.facts)):
        return "eligibility"  # 上云补贴要求是规上企业吗 / 我们是规下企业，能享受上云补贴吗
    if turn.bare_levels and not turn.topics and not has_facts:
        return "award"  # 我们是省级的 / 那国家级呢: the level of the title family talked about
    specific = [c for c in turn.topics if c.startswith("4.3.") and c != "4.3.7"]
    if _CLAIMABLE_Q.search(t) and not re.search(r"条件", t) and not specific:
        return "claimable"
    if has_facts and (turn.asks_money or turn.whatif or turn.titles or any(s[0] in _AMOUNT_SLOTS for s, _ in turn.facts)):
        return "award"
    if has_facts and not turn.clause_ref:
        return "award"
    if turn.clause_ref:
        return "lookup"
    if _TARGET_Q.search(t) and (not turn.topics or turn.topics[0] == "2"):
        return "targets"
    if turn.topics:
        return "lookup"
    if has_facts:
        return "award"
    if turn.asks_money:
        return "award"
    if not _POLICY_WORDS.search(t):
        turn.abstain_kind = "unrelated"
        return "abstain"
    return "search"


__all__ = ["CLAUSE_RULES", "CONDITION_WORDS", "cloud_stages", "INTERPRETIVE_Q", "RULE_CLAUSES", "Turn", "normalise", "question_focus", "segments",
           "understand"]
