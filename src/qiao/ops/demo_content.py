"""Bilingual demo content for `qiao seed`: written by hand, combined at random."""

from __future__ import annotations

TOPICS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "food": {
        "zh": [
            ("成都火锅真的绝了", "麻辣锅底配毛肚和鸭肠，七上八下刚刚好。#火锅 #成都美食"),
            ("周末在家做红烧肉", "冰糖炒色，小火慢炖一个小时，肥而不腻，米饭都多吃了一碗。#家常菜"),
            ("上海生煎包测评", "底脆皮薄汤汁多，这家排队半小时也值得。#上海 #早餐"),
            ("第一次做手工饺子", "韭菜鸡蛋馅，包得丑但是很好吃哈哈 #饺子"),
            ("奶茶店隐藏菜单", "少冰三分糖加芋圆，店员说这是老顾客的喝法。#奶茶"),
            ("广式早茶推荐", "虾饺、凤爪、肠粉，一壶普洱就是一上午。#早茶 #广州"),
        ],
        "en": [
            ("Best bagel in Brooklyn?", "Everything bagel, scallion cream cheese, still warm. "
             "Fight me. #food #nyc"),
            ("Trying Sichuan hot pot for the first time", "My mouth is numb and I love it. "
             "Tips for a beginner? #hotpot"),
            ("Sunday pancakes", "Buttermilk, blueberries, real maple syrup. #breakfast"),
            ("Homemade ramen night", "12-hour pork broth, soft eggs, chashu. Worth every minute."
             " #ramen"),
            ("Texas BBQ road trip", "Brisket with a perfect bark. Lines at 7 am. #bbq #texas"),
            ("Learning to make dumplings", "My Chinese friend showed me how to pleat them. "
             "Not pretty yet! #dumplings"),
        ],
    },
    "pets": {
        "zh": [
            ("我家猫主子今天又拆家了", "沙发又被抓坏了，但是看着它的脸就生不起气 #猫 #萌宠"),
            ("柯基的屁股谁能抵抗", "每天早上跟着我去上班的路口，再自己回家。#柯基"),
            ("领养了一只小橘猫", "刚来的时候很怕人，现在天天睡我枕头上。#领养代替购买"),
            ("狗狗第一次看到雪", "疯狂在雪地里打滚，回家洗了一个小时。#狗狗"),
        ],
        "en": [
            ("My cat judges my life choices", "Every morning. Same look. #cats #catsofqiao"),
            ("Golden retriever meets the ocean", "Pure joy for 20 minutes, then a nap in the "
             "car. #dogs"),
            ("Adopted a senior dog", "She's 11, grey-faced and the calmest soul. #adoptdontshop"),
            ("Bunny zoomies at 2 am", "Why are rabbits like this. #rabbits #pets"),
        ],
    },
    "fashion": {
        "zh": [
            ("秋冬通勤穿搭分享", "驼色大衣配白毛衣，简单又显气质。#穿搭 #OOTD"),
            ("小个子显高秘籍", "高腰阔腿裤加短款上衣，视觉上多了五厘米。#小个子穿搭"),
            ("新中式穿搭", "马面裙配简单的白T，日常也能穿。#新中式 #汉服"),
        ],
        "en": [
            ("Thrifted this whole outfit for $30", "Wool coat, vintage Levi's, boots. #thrift "
             "#ootd"),
            ("Capsule wardrobe, year two", "35 pieces, every one I love. #minimalism #fashion"),
            ("Tried a mamianqun skirt", "A friend sent it from Shanghai. It's so comfortable! "
             "#hanfu"),
        ],
    },
    "travel": {
        "zh": [
            ("重庆三天两夜攻略", "洪崖洞夜景、李子坝轻轨穿楼，一定要吃小面。#重庆 #旅行"),
            ("大理洱海骑行", "租了电动车环海，风很大但风景太美了。#大理 #云南"),
            ("第一次去纽约", "中央公园秋天的颜色太好看了，推荐大家十月去。#纽约"),
        ],
        "en": [
            ("Two weeks in China on a budget", "High-speed trains are incredible. Xi'an was my "
             "favourite. #travel #china"),
            ("Sunrise at the Grand Canyon", "Worth the 4 am alarm. #travel #arizona"),
            ("Getting lost in Kyoto", "Quiet temples, no crowds before 8 am. #japan"),
        ],
    },
    "daily": {
        "zh": [
            ("今天终于学会了一句英语俚语", "\"It's giving\"原来是这个意思！美国朋友教我的 #学英语"),
            ("下班后的小确幸", "一杯热茶，一本书，窗外在下雨。#日常 #生活"),
            ("早起打卡第30天", "六点起床跑步，人真的会变精神。#自律"),
        ],
        "en": [
            ("Day 14 of learning Chinese", "Finally can order food in Mandarin: 我要一碗牛肉面！"
             " #learnchinese"),
            ("Cozy desk setup", "Plants, a lamp and a very old keyboard. #wfh #daily"),
            ("Morning routine that actually stuck", "Walk, coffee, no phone for an hour. "
             "#routine"),
        ],
    },
}

TOPIC_PALETTES = {
    "food": [(233, 116, 81), (245, 197, 66), (196, 69, 54)],
    "pets": [(168, 133, 96), (120, 150, 120), (230, 200, 160)],
    "fashion": [(90, 90, 120), (210, 180, 170), (40, 40, 50)],
    "travel": [(70, 140, 200), (90, 170, 120), (240, 170, 90)],
    "daily": [(180, 200, 210), (240, 230, 210), (140, 120, 160)],
}

EXTRA_TOPICS = {
    "food": ["美食", "foodie", "cooking", "探店"],
    "pets": ["萌宠", "cute", "猫咪", "dogsofqiao"],
    "fashion": ["ootd", "穿搭", "style"],
    "travel": ["旅行", "travel", "风景"],
    "daily": ["日常", "life", "vlog"],
}

ZH_NAMES = ["小红", "阿杰", "糖糖", "王小明", "李想", "陈晨", "张雨", "刘洋", "林夕", "周周",
            "赵小米", "吴桐", "孙悟饭", "郑好", "黄小鸭", "何以", "高飞", "罗拉", "梁静", "宋宋"]
EN_NAMES = ["Emily", "Jake", "Sophia", "Mason", "Olivia", "Ethan", "Ava", "Liam", "Mia", "Noah",
            "Harper", "Lucas", "Ella", "Logan", "Chloe", "Ben", "Grace", "Ryan", "Zoe", "Sam"]
ZH_BIOS = ["爱吃爱玩的上海女孩", "铲屎官一枚 🐱", "在学英语，欢迎交流", "摄影爱好者 | 旅行中"]
EN_BIOS = ["Food, cats and bad puns.", "Learning Chinese one meme at a time.",
           "NYC · coffee · film photos", "Here for the dumplings 🥟"]
ZH_COMMENTS = ["太好看了吧！", "求链接～", "看饿了😋", "这个我也想试试", "好可爱啊啊啊",
               "收藏了，下次去", "你的英语好好！"]
EN_COMMENTS = ["This looks amazing!", "Where is this?", "Saving this for later 🙌",
               "So cute!!", "Recipe please?", "Welcome to Qiao! 欢迎!"]
