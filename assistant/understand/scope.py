"""What a question asks that documents of this genre do not settle: the generic abstention categories, off-topic
and non-policy questions. A pack adds its own categories (lexicon `abstain`)."""

from __future__ import annotations

import re

from assistant.understand.zh import AWARD, TAKES_EFFECT, WHEN

OFF_TOPIC = re.compile(r"农业|农机|合作社|种植|养殖|帮我写|写一份|天气|下雨|气温|温度|股票|彩票|菜谱|做饭|电影|足球|篮球|笑话|写诗|唱歌|翻译|旅游|景点|房价|星座|算命")

# --- abstention categories (DESIGN §5 not-specified, validity) --------------------------------

ABSTAIN_PATTERNS: list[tuple[str, re.Pattern]] = [
    # how a budget too small for every applicant is shared (先到先得 / 按比例分): 南康 8.1 says, others do not
    ("allocation", re.compile(r"先到先得|不够分|(怎么|如何)分(配)?|按比例(分|核减)")),
    # what happens to an enterprise that obtains an award by fraud (虚报 / 骗取 / 追回): not every document says
    ("penalty", re.compile(r"虚报|骗取|骗补|骗了|冒领|弄虚作假|造假|追回|查处")),
    # whether the results are made public (公示几天 / 在哪公示): a procedure documents of this genre often leave out
    ("publicity", re.compile(r"公示")),
    # when the money is paid out (拨付 / 到账 / 发放 / 兑现), not when to apply
    ("disbursement", re.compile(r"到账|拨付|拨款|拨下来|(发放|兑现)(的)?(时间|日期|时限|周期)|"
                                rf"{WHEN}(能|才|可以|开始)?(发放|兑现)|"
                                rf"(?:{AWARD}|资金|钱|款)[^,，。]{{0,4}}{WHEN}(能|才|可以)?(发|给|到|下来|拨|打)")),
    # validity before deadline: 还有效吗 文件里写没写截止到哪天 asks the document's validity
    ("validity", re.compile(r"(还|是否|仍然?|继续)(在)?(执行|适用|实施|管用)|20\d\d年(底|末)?(就)?(截止|到期|结束|失效)|20\d\d年(以后|之后)?(还|仍)(能|可以)?(用|执行|适用|享受)|有效期|失效|过期|到期|废止|还有效|是否有效|仍然有效|还能用吗|什么时候(结束|到期)|执行(到|期限)|有效(到|至)")),
    # a newer or successor policy than the loaded ones (新的政策 / 接续文件): the corpus does not hold it
    ("successor", re.compile(r"(新的|新出|新出台|后续|接续|替代|替换|最新|以后的|下一轮)(的)?[^,，。]{0,10}(政策|文件|办法|措施)|"
                             r"(新|后续|接续)(文件|政策)(的)?(文号|叫什么|是什么)")),
    ("deadline", re.compile(rf"(去年|前年|以前|之前|往年|过去)(竣工|完成|建成|做)?(的)?(技改)?项目[^,，。]{{0,4}}(能|可以|还能|还可以)(报|申报|申请|享受)|截止|deadline|最晚|哪天之前|申报(时间|期限|日期|窗口期)|什么时候(申报|申请|报|开始(?!{TAKES_EFFECT})|可以报)|几月(份)?[^,，。]{{0,4}}?(申报|申请|受理)|(一年|每年)(能|可以)?(报|申报|申请)几次|多长时间内(必须|要|得)?(申报|申请|报)|(报|申报|算)哪一?年|哪一年的|(申报|申请)(是)?{WHEN}|时限|受理时间|多久(能|可以|才)|补申报|以前(年度)?的|往年")),
    ("where", re.compile(r"(交|报|送|递交|提交|报送)(到|给)哪(里|儿|个部门)?|(委托|找)?(中介|代理机构|代办|代理申报|代为申报)|(去|到|在)哪(里|儿)?(申报|申请|办|报|交)|哪里(申报|申请|办理)|怎么(申报|申请|报|办理)|如何(申报|申请|办理)|申报(流程|程序|方式|渠道|入口|系统|平台|网址)|申请(流程|程序|方式|渠道|入口)|审核(流程|程序)|审批(流程|程序)|(?<!生产)(?<!流水)线上(申报|申请|办理|提交|办)?(?![\u4e00-\u9fa5]{0,2}(推广|改造|设备|装备))|网上|办事大厅|窗口|办理流程")),
    ("materials", re.compile(r"审计|验资|鉴证|(?<!新)(?<!基础)材料|资料|(出|开|做|交|提交|提供|准备|带)[^,，。]{0,4}(证明|报告)|证明文件|评估报告|需要(提交|提供|准备|带)|要(交|带|准备)什么|提交什么|附件|表格|申请表|申报表|申报书|盖章")),
    # who interprets the document (解释权归谁 / 谁来解释): it names no interpreting body
    ("interpretation_body", re.compile(r"解释权|(谁|哪个(部门|单位|机关)|哪家|哪(些|个)?部门|什么(部门|单位|机关))[^,，。]{0,6}(来|负责|有权)?解释|"
                                       r"由谁(来)?解释|以(谁|哪个部门|哪家)(的)?解释为准|(负责|有权)解释")),
    ("contact", re.compile(r"电话|联系方式|联系人|邮箱|地址在哪|办公地点|热线号码")),
    ("tax_rate", re.compile(r"税率|(增值税|所得税|企业所得税).{0,4}(多少%|百分之|几个点|比例是多少|交多少|缴多少)|分成比例|留成比例|地方(留成|分成)(比例|是多少%)")),
    ("fund_use", re.compile(rf"{AWARD}(资金|款|的钱)?[^,，。以所按]{{0,6}}(用来|用于|用在|怎么用|如何使用|使用范围|用途|能用|可以用)")),
    # whether this document's awards can be combined with other governments' funds: not said
    ("other_funds", re.compile(rf"^(?!.*(称号|示范|标杆|认定)).*?(省里|省级|省上|国家|中央|市里|上级|其他|别的|其它)(的)?[^,，。称号示范]{{0,6}}(?:{AWARD}|资金|政策|扶持)[^。]{{0,8}}(同时|一起|叠加|重复|兼得|都拿|都享受)|重复(享受|申报|申请)|同时享受(其他|别的|省|国家)")),
    # the tax treatment of the award money itself
    ("award_tax", re.compile(rf"{AWARD}(资金|款|的钱)?[^,，。以所按]{{0,6}}(要|需要|用|得)?(交|缴|纳|扣)(企业所得|所得|个人所得)?税|{AWARD}[^,，。]{{0,6}}(免税|是否征税|要不要交税)")),
]


# categories named by what the question is about, wherever the question says it (要是企业虚报…查出来怎么处理)
SUBJECT_KINDS = frozenset({"penalty"})

__all__ = ["ABSTAIN_PATTERNS", "OFF_TOPIC", "SUBJECT_KINDS"]
