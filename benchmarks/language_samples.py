"""Hand-written texts for the language-detection benchmark (benchmarks/language_detection.py).

Each language has ten short statements (one sentence, the length of a tweet or a headline) and
two paragraphs, written for this benchmark in the register unspin reads: political statements,
accusations, calls to act. Arabic and English come from the shared data sets as well; these add
the languages the project has no data for. ``MIXED`` are English texts quoting Arabic, as news
reports of statements often do: their language is English.
"""

from __future__ import annotations

SHORT: dict[str, list[str]] = {
    "fr": [
        "Ces traîtres au gouvernement ont vendu la patrie aux étrangers.",
        "Soit vous êtes avec nous, soit vous êtes contre nous.",
        "Le ministre ment encore une fois.",
        "Nos enfants méritent mieux que cette honte.",
        "La vérité finira par éclater.",
        "Il faut agir maintenant, avant qu'il ne soit trop tard.",
        "Une catastrophe annoncée.",
        "Personne ne croit plus à leurs promesses.",
        "Rendez-nous notre pays !",
        "Les médias cachent tout.",
    ],
    "ru": [
        "Эти предатели в правительстве продали родину иностранцам.",
        "Либо вы с нами, либо против нас.",
        "Министр снова лжёт.",
        "Наши дети заслуживают лучшего.",
        "Правда всё равно выйдет наружу.",
        "Запад боится нашей силы.",
        "Враги народа не пройдут!",
        "Никто больше не верит их обещаниям.",
        "Это провокация.",
        "СМИ скрывают правду.",
    ],
    "tr": [
        "Hükümetteki bu hainler vatanı yabancılara sattı.",
        "Ya bizimlesiniz ya da bize karşısınız.",
        "Bakan yine yalan söylüyor.",
        "Çocuklarımız daha iyisini hak ediyor.",
        "Gerçekler er geç ortaya çıkacak.",
        "Dış güçler ülkemizi bölmek istiyor.",
        "Bu bir ihanettir!",
        "Kimse artık onların vaatlerine inanmıyor.",
        "Medya her şeyi saklıyor.",
        "Şimdi harekete geçmeliyiz.",
    ],
    "fa": [
        "این خائنان در دولت وطن را به بیگانگان فروختند.",
        "یا با ما هستید یا علیه ما.",
        "وزیر دوباره دروغ می‌گوید.",
        "فرزندان ما لیاقت بهتر از این را دارند.",
        "حقیقت سرانجام آشکار خواهد شد.",
        "دشمنان از قدرت ما می‌ترسند.",
        "این یک توطئه است!",
        "دیگر هیچ‌کس به وعده‌هایشان باور ندارد.",
        "رسانه‌ها همه چیز را پنهان می‌کنند.",
        "باید همین حالا اقدام کنیم.",
    ],
    "ur": [
        "حکومت میں بیٹھے یہ غدار وطن کو غیروں کے ہاتھ بیچ چکے ہیں۔",
        "یا تو آپ ہمارے ساتھ ہیں یا ہمارے خلاف۔",
        "وزیر پھر جھوٹ بول رہا ہے۔",
        "ہمارے بچے اس سے بہتر کے حقدار ہیں۔",
        "سچ آخرکار سامنے آ کر رہے گا۔",
        "دشمن ہماری طاقت سے ڈرتا ہے۔",
        "یہ ایک سازش ہے!",
        "اب کوئی ان کے وعدوں پر یقین نہیں کرتا۔",
        "میڈیا سب کچھ چھپا رہا ہے۔",
        "ہمیں ابھی قدم اٹھانا ہوگا۔",
    ],
    "ar": [
        "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب.",
        "إما أن تكونوا معنا أو ضدنا.",
        "الوزير يكذب مرة أخرى.",
        "أطفالنا يستحقون أفضل من هذا العار.",
        "الحقيقة ستظهر في النهاية.",
        "الأعداء يخافون من قوتنا.",
        "هذه مؤامرة!",
        "لم يعد أحد يصدق وعودهم.",
        "الإعلام يخفي كل شيء.",
        "يجب أن نتحرك الآن.",
    ],
    "en": [
        "These traitors in the government sold the homeland to foreigners.",
        "Either you are with us or you are against us.",
        "The minister is lying again.",
        "Our children deserve better than this disgrace.",
        "The truth will come out in the end.",
        "Our enemies fear our strength.",
        "This is a conspiracy!",
        "Nobody believes their promises any more.",
        "The media hide everything.",
        "We must act now.",
    ],
}

PARAGRAPHS: dict[str, list[str]] = {
    "fr": [
        "Depuis des années, on nous répète que tout va bien. Les usines ferment, les villages se "
        "vident et nos jeunes partent chercher du travail ailleurs, mais le gouvernement continue "
        "de parler de croissance. Qui peut encore croire ces chiffres ? Il est temps que les "
        "citoyens reprennent la parole et exigent des comptes.",
        "Le rapport publié mardi par la commission d'enquête décrit une série de décisions prises "
        "sans consultation du parlement. Selon les auteurs, les contrats ont été attribués à des "
        "entreprises proches du pouvoir, et les contrôles prévus par la loi n'ont jamais eu lieu. "
        "Le ministère conteste ces conclusions et promet une réponse détaillée.",
    ],
    "ru": [
        "Нам годами повторяют, что всё в порядке. Заводы закрываются, деревни пустеют, молодёжь "
        "уезжает в поисках работы, а правительство продолжает говорить о росте. Кто ещё верит "
        "этим цифрам? Пора гражданам вернуть себе голос и потребовать ответа.",
        "В докладе, опубликованном во вторник следственной комиссией, описана серия решений, "
        "принятых без обсуждения в парламенте. По словам авторов, контракты получили компании, "
        "близкие к власти, а проверки, предусмотренные законом, так и не были проведены. "
        "Министерство оспаривает эти выводы.",
    ],
    "tr": [
        "Yıllardır bize her şeyin yolunda olduğu söyleniyor. Fabrikalar kapanıyor, köyler "
        "boşalıyor, gençlerimiz iş bulmak için başka yerlere gidiyor, ama hükümet hâlâ büyümeden "
        "söz ediyor. Bu rakamlara kim inanır? Vatandaşların sesini yükseltme ve hesap sorma "
        "zamanı geldi.",
        "Soruşturma komisyonunun salı günü yayımladığı rapor, meclise danışılmadan alınan bir "
        "dizi kararı anlatıyor. Yazarlara göre ihaleler iktidara yakın şirketlere verildi ve "
        "yasanın öngördüğü denetimler hiç yapılmadı. Bakanlık bu sonuçlara itiraz ediyor.",
    ],
    "fa": [
        "سال‌هاست به ما می‌گویند همه چیز خوب است. کارخانه‌ها تعطیل می‌شوند، روستاها خالی "
        "می‌شوند و جوانان ما برای کار به جای دیگری می‌روند، اما دولت همچنان از رشد سخن "
        "می‌گوید. چه کسی هنوز این آمار را باور می‌کند؟ وقت آن رسیده که مردم صدای خود را بلند "
        "کنند و پاسخ بخواهند.",
        "گزارشی که کمیسیون تحقیق روز سه‌شنبه منتشر کرد، مجموعه‌ای از تصمیم‌ها را شرح می‌دهد "
        "که بدون مشورت با مجلس گرفته شده‌اند. به گفته نویسندگان، قراردادها به شرکت‌های نزدیک "
        "به قدرت واگذار شد و بازرسی‌هایی که قانون پیش‌بینی کرده بود هرگز انجام نشد.",
    ],
    "ur": [
        "برسوں سے ہمیں بتایا جا رہا ہے کہ سب کچھ ٹھیک ہے۔ کارخانے بند ہو رہے ہیں، گاؤں خالی "
        "ہو رہے ہیں اور ہمارے نوجوان روزگار کی تلاش میں دوسری جگہوں پر جا رہے ہیں، لیکن حکومت "
        "اب بھی ترقی کی باتیں کرتی ہے۔ ان اعداد و شمار پر اب کون یقین کرے گا؟ وقت آ گیا ہے کہ "
        "شہری اپنی آواز بلند کریں اور جواب طلب کریں۔",
        "تحقیقاتی کمیشن کی منگل کو جاری ہونے والی رپورٹ میں ایسے فیصلوں کا ذکر ہے جو پارلیمان "
        "سے مشورے کے بغیر کیے گئے۔ مصنفین کے مطابق ٹھیکے حکومت کے قریبی اداروں کو دیے گئے اور "
        "قانون میں درج جانچ پڑتال کبھی نہیں ہوئی۔ وزارت نے ان نتائج کو مسترد کر دیا ہے۔",
    ],
}

MIXED: list[str] = [
    "The group's leader told supporters that «هؤلاء الخونة في الحكومة باعوا الوطن للأجانب» "
    "before the rally ended, according to a transcript seen by reporters.",
    'In a video posted on Friday, the spokesman repeated the slogan "إما أن تكونوا معنا أو ضدنا" '
    "(either you are with us or against us) three times.",
    "Analysts noted that the statement, which opened with the words «الإعلام يخفي كل شيء», "
    "echoed a campaign that has circulated on social media since the spring, and that several "
    "accounts sharing it were created in the same week.",
    'The banner read "هذه مؤامرة" and was carried at the front of the march.',
    "Quoting the preacher, who said «الأعداء يخافون من قوتنا» and called on the young to act "
    "now, the ministry warned that the sermon had been shared more than a million times.",
]
