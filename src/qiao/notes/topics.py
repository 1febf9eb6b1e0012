"""Topics across the two languages: which #tags mean the same thing (#travel and #旅行), what
a topic is called in the reader's interface language, and which topics an onboarding
interest covers.

The table is small and maintained by hand: common lifestyle topics of a RedNote-like site and
every topic of the shipped demo community. A tag that is not in it keeps its own name, or the
rendering of the language engine's glossary when it has one (探店 -> "shop visit"). Topic
names here are stored forms (`qiao.core.text.normalize_topic`: lower case, no "#").

A topic page shows the notes of every tag of its group: #travel and #旅行 open the same page,
so a chip labelled 旅行 in the Chinese interface and a #travel tap agree.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from qiao.core.text import normalize_topic


@dataclass(frozen=True)
class TopicGroup:
    """Tags that mean the same thing: the first English one names the group."""

    en: tuple[str, ...]
    zh: tuple[str, ...]
    en_label: str
    zh_label: str

    @property
    def key(self) -> str:
        return self.en[0] if self.en else self.zh[0]

    @property
    def names(self) -> tuple[str, ...]:
        return self.en + self.zh

    def label(self, language: str) -> str:
        return self.zh_label if language.lower().startswith("zh") else self.en_label


def _g(en: str, zh: str, en_label: str, zh_label: str = "") -> TopicGroup:
    """A group from "|"-separated tag lists (first of each is the main form)."""
    en_tags = tuple(t for t in en.split("|") if t)
    zh_tags = tuple(t for t in zh.split("|") if t)
    return TopicGroup(en_tags, zh_tags, en_label, zh_label or (zh_tags[0] if zh_tags else en_label))


GROUPS: tuple[TopicGroup, ...] = (
    # travel
    _g("travel|travelgram", "旅行|旅游", "Travel"),
    _g("traveltips|travelguide", "旅行攻略|攻略", "Travel tips"),
    _g("budgettravel|backpacking", "穷游", "Budget travel"),
    _g("roadtrip", "自驾游|自驾", "Road trip"),
    _g("slowtravel", "慢旅行", "Slow travel"),
    _g("smallgrouptravel", "小团游", "Small-group travel"),
    _g("hiddengems|offthebeatenpath", "小众旅行地|小众景点", "Hidden gems"),
    _g("weekendtrip|weekend", "周末去哪儿|周末", "Weekend trips"),
    _g("citywalk", "城市漫步|citywalk", "City walk", "城市漫步"),
    _g("gapyear", "间隔年|gap年", "Gap year"),
    _g("studyabroad", "留学生活|留学", "Studying abroad"),
    _g("castles|castle", "城堡", "Castles"),
    _g("museum|museums|exhibition", "看展|博物馆", "Museums and exhibitions", "看展"),
    _g("nationalparks|nationalpark", "国家公园", "National parks"),
    _g("greatwall", "长城", "Great Wall"),
    # places
    _g("china", "中国", "China"),
    _g("chengdu", "成都", "Chengdu"),
    _g("chongqing", "重庆", "Chongqing"),
    _g("dali", "大理", "Dali"),
    _g("beijing", "北京", "Beijing"),
    _g("shanghai", "上海", "Shanghai"),
    _g("yunnan", "云南", "Yunnan"),
    _g("france", "法国|法国旅行", "France"),
    _g("paris", "巴黎", "Paris"),
    _g("germany", "德国|德国旅行", "Germany"),
    _g("berlin", "柏林", "Berlin"),
    _g("munich", "慕尼黑", "Munich"),
    _g("italy", "意大利|意大利旅行", "Italy"),
    _g("greece", "希腊", "Greece"),
    _g("egypt", "埃及|埃及旅行", "Egypt"),
    _g("india", "印度|印度旅行", "India"),
    _g("japan", "日本|日本旅行", "Japan"),
    _g("australia", "澳大利亚|澳洲", "Australia"),
    _g("melbourne", "墨尔本", "Melbourne"),
    _g("mexico", "墨西哥", "Mexico"),
    _g("usa|america", "美国|美国旅行", "USA", "美国"),
    _g("uk|england|london", "英国|伦敦", "UK", "英国"),
    _g("newyork|nyc", "纽约", "New York"),
    _g("texas", "德州", "Texas"),
    # food and drink
    _g("food|foodie", "美食|吃货", "Food"),
    _g("cooking|homecooking|recipe", "家常菜|做饭|食谱", "Home cooking"),
    _g("coffee", "咖啡", "Coffee"),
    _g("tea", "喝茶|茶", "Tea"),
    _g("hotpot", "火锅", "Hot pot"),
    _g("dumplings", "饺子", "Dumplings"),
    _g("breakfast", "早餐|早饭", "Breakfast"),
    _g("bbq|barbecue", "烧烤", "BBQ", "烧烤"),
    _g("ramen|noodles", "拉面|面条", "Noodles", "面条"),
    _g("bubbletea|milktea", "奶茶", "Bubble tea"),
    _g("baking", "烘焙", "Baking"),
    _g("sichuanfood", "川菜", "Sichuan food"),
    # pets and animals
    _g("pets|petsofqiao", "萌宠|宠物", "Pets"),
    _g("cats|cat|catsofqiao", "猫|猫咪|猫猫", "Cats"),
    _g("dogs|dog|dogsofqiao", "狗狗|狗", "Dogs"),
    _g("cattax", "猫税", "Cat tax"),
    _g("adoptdontshop", "领养代替购买", "Adopt, don't shop"),
    _g("rabbits|bunny", "兔子", "Rabbits"),
    _g("wildlife", "野生动物", "Wildlife"),
    _g("animalfacts", "动物冷知识", "Animal facts"),
    _g("zoo", "动物园", "Zoo"),
    _g("aquarium", "海洋馆|水族馆", "Aquarium", "海洋馆"),
    _g("panda|pandas", "熊猫|大熊猫", "Pandas", "熊猫"),
    _g("birdwatching|birding|birds", "观鸟|拍鸟|鸟", "Birdwatching", "观鸟"),
    _g("insects|bugs", "昆虫", "Insects"),
    # nature and outdoors
    _g("nature", "自然|大自然", "Nature"),
    _g("hiking", "徒步|爬山", "Hiking"),
    _g("outdoors|outdoor", "户外", "Outdoors"),
    _g("ocean|sea", "海洋|大海", "Ocean", "海洋"),
    _g("reef|coralreef", "珊瑚礁", "Coral reef"),
    _g("scuba|diving|scubadiving", "潜水", "Diving", "潜水"),
    _g("flowers|flower", "花|鲜花", "Flowers", "花"),
    _g("garden|gardening", "花园|园艺", "Gardening", "园艺"),
    _g("spring", "春天", "Spring"),
    _g("summer", "夏天", "Summer"),
    _g("autumn|fall", "秋天", "Autumn"),
    _g("winter", "冬天", "Winter"),
    _g("homestead|countryside|farmlife", "乡村生活|农家生活|田园生活", "Country life", "乡村生活"),
    _g("gear", "装备", "Gear"),
    # learning languages
    _g("learnchinese|learningchinese|chineselearning", "学中文", "Learning Chinese"),
    _g("mandarin|chinese", "汉语|普通话|中文", "Mandarin", "汉语"),
    _g("learnenglish|learningenglish", "学英语", "Learning English"),
    _g("spokenenglish|englishspeaking", "英语口语", "Spoken English"),
    _g("languageexchange", "语言交换", "Language exchange"),
    _g("slang", "俚语|网络用语", "Slang", "俚语"),
    _g("funfacts", "冷知识", "Fun facts"),
    _g("hsk", "汉语水平考试|hsk", "HSK", "HSK"),
    _g("tiktokrefugee|tiktokrefugees", "tiktok难民", "TikTok refugees", "TikTok难民"),
    _g("study|studygram", "学习", "Study"),
    _g("books|reading|booktok", "读书|阅读", "Books", "读书"),
    # daily life, home, making things
    _g("dailylife|daily|life", "日常|生活|日常生活", "Daily life", "日常"),
    _g("wholesome|healing", "治愈系|治愈", "Wholesome", "治愈系"),
    _g("home|homedecor|interiordesign", "家居|家居好物", "Home and living", "家居"),
    _g("rentalmakeover|roommakeover", "租房改造", "Rental makeover"),
    _g("diy|handmade|crafts", "手作|手工", "DIY", "手作"),
    _g("sewing", "缝纫", "Sewing"),
    _g("drawing|sketching|painting", "画画|写生|绘画", "Drawing and painting", "画画"),
    _g("watercolor|watercolour", "水彩", "Watercolour"),
    _g("art", "艺术", "Art"),
    _g("photography|photo", "摄影|拍照", "Photography", "摄影"),
    _g("music", "音乐", "Music"),
    _g("worldmusic", "世界音乐", "World music"),
    _g("drums|drumming", "打鼓|鼓", "Drums", "打鼓"),
    _g("history", "历史", "History"),
    _g("fitness|workout|gym", "健身|运动", "Fitness", "健身"),
    _g("running", "跑步", "Running"),
    # style
    _g("fashion|style", "穿搭|时尚", "Fashion", "穿搭"),
    _g("ootd", "今日穿搭|ootd", "OOTD", "今日穿搭"),
    _g("hanfu", "汉服", "Hanfu"),
    _g("mamianqun|horsefaceskirt", "马面裙", "Mamianqun", "马面裙"),
    _g("newchinesestyle|neochinese", "新中式", "New Chinese style"),
    _g("thrift|thrifting|secondhand", "二手|古着", "Thrifting", "二手"),
    _g("minimalism|minimalist", "极简|极简主义", "Minimalism", "极简"),
    _g("skincare", "护肤", "Skincare"),
    _g("makeup", "化妆|美妆", "Makeup", "美妆"),
    # other
    _g("cute", "可爱", "Cute"),
    _g("vlog", "vlog", "Vlog", "Vlog"),
)

#: Onboarding interests (`qiao.web.ui.INTERESTS`, stored on the user) and the topic groups
#: each covers: what "I like food" means when ranking notes whose tags are #家常菜 or #coffee.
INTEREST_TOPICS: dict[str, tuple[str, ...]] = {
    "food": (
        "food",
        "cooking",
        "coffee",
        "tea",
        "hotpot",
        "dumplings",
        "breakfast",
        "bbq",
        "ramen",
        "bubbletea",
        "baking",
        "sichuanfood",
    ),
    "travel": (
        "travel",
        "traveltips",
        "budgettravel",
        "roadtrip",
        "slowtravel",
        "smallgrouptravel",
        "hiddengems",
        "weekendtrip",
        "citywalk",
        "gapyear",
        "castles",
        "nationalparks",
        "greatwall",
        "france",
        "paris",
        "germany",
        "italy",
        "greece",
        "egypt",
        "india",
        "japan",
        "australia",
        "mexico",
        "usa",
        "uk",
    ),
    "pets": (
        "pets",
        "cats",
        "dogs",
        "cattax",
        "adoptdontshop",
        "rabbits",
        "wildlife",
        "animalfacts",
        "zoo",
        "aquarium",
        "panda",
    ),
    "fashion": (
        "fashion",
        "ootd",
        "hanfu",
        "mamianqun",
        "newchinesestyle",
        "thrift",
        "minimalism",
        "sewing",
    ),
    "daily": ("dailylife", "wholesome", "homestead", "studyabroad", "tiktokrefugee"),
    "photography": ("photography", "nature", "birdwatching", "flowers", "wildlife"),
    "fitness": ("fitness", "running", "hiking", "outdoors", "scuba"),
    "books": ("books", "history", "museum"),
    "music": ("music", "worldmusic", "drums"),
    "art": ("art", "drawing", "watercolor", "museum", "diy"),
    "home": ("home", "rentalmakeover", "garden", "diy", "cooking"),
    "study": (
        "study",
        "learnchinese",
        "mandarin",
        "learnenglish",
        "spokenenglish",
        "languageexchange",
        "slang",
        "funfacts",
        "hsk",
        "studyabroad",
    ),
}


@functools.cache
def _by_name() -> dict[str, TopicGroup]:
    table: dict[str, TopicGroup] = {}
    for group in GROUPS:
        for name in group.names:
            table.setdefault(normalize_topic(name), group)
    return table


def group_of(name: str) -> TopicGroup | None:
    return _by_name().get(normalize_topic(name))


def equivalents(name: str) -> tuple[str, ...]:
    """The stored names a topic page shows: the tag itself and its group's other tags."""
    topic = normalize_topic(name)
    group = group_of(topic)
    if group is None:
        return (topic,) if topic else ()
    return tuple(dict.fromkeys([topic, *(normalize_topic(n) for n in group.names)]))


def canonical(name: str) -> str:
    """One name per group (its first English tag), for grouping chips and counts."""
    group = group_of(name)
    return group.key if group is not None else normalize_topic(name)


def label(name: str, language: str) -> str:
    """What a chip shows for this topic in the interface language (without the "#")."""
    topic = normalize_topic(name)
    group = group_of(topic)
    if group is not None:
        return group.label(language)
    return _glossary_label(topic, "zh" if language.lower().startswith("zh") else "en") or topic


def _glossary_label(topic: str, target: str) -> str:
    """The language engine's glossary rendering of a tag, when it has the tag as a term."""
    try:
        from qiao.engines.translate.glossary import default_glossary

        entry = default_glossary().lookup(topic)
    except (ImportError, OSError):
        return ""
    if entry is None:
        return ""
    rendering = entry.render(target)
    return rendering if rendering.lower() != topic else ""


def interest_topics(interests: Iterable[str]) -> list[str]:
    """Every stored topic name an account's interests cover (the interests themselves, their
    groups' tags in both languages, and the groups an onboarding interest stands for)."""
    names: dict[str, None] = {}
    for interest in interests:
        key = normalize_topic(interest)
        if not key:
            continue
        for group_name in (key, *INTEREST_TOPICS.get(key, ())):
            for name in equivalents(group_name):
                names.setdefault(name, None)
    return list(names)
