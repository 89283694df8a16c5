"""Hand-written material for the reuse development cases (:mod:`tools.reuse_cases`).

Each story is a list of paragraphs. ``copy`` entries are how a second newsroom
republished the story (trimmed, lightly edited, respaced); ``other`` entries are
different articles on the same event, which must stay apart. Report templates
are filled with each day's figures by the case builder. Written for this
project; names of agencies and places are real, the events are not.
"""

from __future__ import annotations

# ---------------------------------------------------------------- scripts without reliable spaces

JAPANESE = {
    "original": [
        "東京都は19日、首都直下地震に備えた新しい防災計画を発表した。計画では、都内の避難所を今後5年間で約300か所増やし、食料や水の備蓄量も現在の1.5倍に引き上げる。",
        "小池知事は記者会見で「いつ起きてもおかしくない大地震に備え、都民の命を守る準備を急ぐ」と述べた。",
        "新たな計画は、木造住宅が密集する地域の火災対策にも重点を置いている。都は耐震化や不燃化を進める住宅への補助金を拡充し、道路の拡幅工事も前倒しで進める方針だ。",
        "また、外国人観光客向けに多言語の避難情報アプリを開発し、来年春から運用を始める。都の担当者は「言葉の壁で逃げ遅れる人が出ないようにしたい」と話している。",
        "専門家からは、計画の実効性を高めるため、区市町村や企業との連携を強化すべきだとの声も上がっている。",
    ],
    "copy": [
        "東京都は19日、首都直下地震に備えた新たな防災計画を公表した。計画では、都内の避難所を今後5年間で約300か所増やし、食料や水の備蓄量も現在の1.5倍に引き上げる。",
        "新たな計画は、木造住宅が密集する地域の火災対策にも重点を置いている。都は耐震化や不燃化を進める住宅への補助金を拡充し、道路の拡幅工事も前倒しで進める方針だ。",
        "また、外国人観光客向けに多言語の避難情報アプリを開発し、来年春から運用を始める。",
    ],
    "other": [
        "首都直下地震への備えを強化するため東京都がまとめた防災計画について、区長会から財源の確保を求める意見が相次いでいる。避難所の増設には多額の費用がかかり、区の負担が重くなるとの懸念があるためだ。",
        "ある区長は「都の方針には賛成だが、具体的な支援策を早く示してほしい」と話した。都は来月にも区市町村向けの説明会を開く予定だ。",
    ],
}

CHINESE = {
    "original": [
        "北京市政府周二宣布了新的大气污染防治行动计划，提出到2027年将细颗粒物年均浓度降至每立方米30微克以下。计划要求在未来三年内淘汰老旧柴油货车五万辆，并扩大新能源公交车的比例。",
        "市生态环境局局长在新闻发布会上表示，冬季供暖期是污染最严重的时期，今年将继续推进农村地区“煤改电”工程，预计新增覆盖十万户家庭。",
        "此外，北京将与天津、河北建立联合预警机制，在重污染天气来临前统一启动应急减排措施。专家认为，区域协同是改善空气质量的关键。",
    ],
    "copy": [
        "北京市政府本周二宣布了新的大气污染防治行动计划，提出到2027年将细颗粒物年均浓度降至每立方米30微克以下。计划要求在未来三年内淘汰老旧柴油货车五万辆，并扩大新能源公交车的比例。",
        "市生态环境局局长在发布会上表示，冬季供暖期是污染最严重的时期，今年将继续推进农村地区“煤改电”工程，预计新增覆盖十万户家庭。",
    ],
    "other": [
        "针对北京新出台的大气污染防治计划，不少货车司机表示担忧。一位从事物流运输十多年的司机说，更换新车需要几十万元，希望政府能提供更多补贴。",
        "北京市交通部门回应称，将研究出台老旧车辆淘汰补贴政策，具体方案将于年底前公布。",
    ],
}

THAI = {
    "original": [
        "กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่เมื่อวันอังคาร โดยจะเร่งขุดลอกคูคลองทั้งหมด 1,200 สาย และติดตั้งเครื่องสูบน้ำเพิ่มอีก 300 เครื่องก่อนเข้าสู่ฤดูฝน",
        "ผู้ว่าราชการกรุงเทพมหานครกล่าวว่า พื้นที่เสี่ยงน้ำท่วมขังซ้ำซากกว่า 700 จุดจะได้รับการแก้ไขเป็นลำดับแรก และจะมีการตั้งศูนย์เฝ้าระวังตลอด 24 ชั่วโมงในช่วงที่มีฝนตกหนัก",
        "นอกจากนี้ กทม. จะพัฒนาระบบแจ้งเตือนผ่านแอปพลิเคชันบนโทรศัพท์มือถือ เพื่อให้ประชาชนทราบระดับน้ำในแต่ละพื้นที่แบบเรียลไทม์ และสามารถวางแผนการเดินทางได้อย่างปลอดภัย",
    ],
    "copy": [
        "กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่ เมื่อวันอังคารที่ผ่านมา โดยจะเร่งขุดลอกคูคลองทั้งหมด 1,200 สาย และติดตั้งเครื่องสูบน้ำเพิ่มอีก 300 เครื่องก่อนเข้าสู่ฤดูฝน",
        "ผู้ว่าราชการกรุงเทพมหานครกล่าวว่า พื้นที่เสี่ยงน้ำท่วมขังซ้ำซากกว่า 700 จุดจะได้รับการแก้ไขเป็นลำดับแรก และจะมีการตั้งศูนย์เฝ้าระวังตลอด 24 ชั่วโมง",
    ],
    "other": [
        "ชาวบ้านในเขตบางเขนเรียกร้องให้กรุงเทพมหานครเร่งแก้ปัญหาน้ำท่วมขังหน้าชุมชน หลังจากที่ฝนตกหนักเมื่อคืนที่ผ่านมาทำให้น้ำท่วมสูงกว่า 50 เซนติเมตร",
        "ผู้นำชุมชนระบุว่าปัญหานี้เกิดขึ้นทุกปีแต่ยังไม่ได้รับการแก้ไขอย่างจริงจัง และหวังว่าแผนใหม่ของกรุงเทพมหานครจะครอบคลุมพื้นที่ของตน",
    ],
}

URDU = {
    "original": [
        "وزیر اعظم نے کہا ہے کہ حکومت آئندہ ماہ نئی توانائی پالیسی کا اعلان کرے گی جس کے تحت بجلی کے نرخوں میں کمی لائی جائے گی۔ اسلام آباد میں ایک تقریب سے خطاب کرتے ہوئے انہوں نے کہا کہ گردشی قرضے کو ختم کرنا حکومت کی اولین ترجیح ہے۔",
        "وزیر اعظم کا کہنا تھا کہ شمسی توانائی کے منصوبوں کے لیے سرمایہ کاروں کو خصوصی مراعات دی جائیں گی اور دیہی علاقوں میں بجلی کی فراہمی بہتر بنائی جائے گی۔",
        "انہوں نے مزید کہا کہ صنعتی شعبے کو سستی بجلی کی فراہمی سے برآمدات میں اضافہ ہوگا اور روزگار کے نئے مواقع پیدا ہوں گے۔",
    ],
    # the same words, written joined where the first paper spaced them, and the last paragraph cut
    "copy": [
        "وزیر اعظم نے کہاہے کہ حکومت آئندہ ماہ نئی توانائی پالیسی کا اعلان کرےگی جس کےتحت بجلی کے نرخوں میں کمی لائی جائےگی۔ اسلام آباد میں ایک تقریب سے خطاب کرتےہوئے انہوں نے کہا کہ گردشی قرضے کو ختم کرنا حکومت کی اولین ترجیح ہے۔",
        "وزیر اعظم کا کہنا تھا کہ شمسی توانائی کے منصوبوں کےلیے سرمایہ کاروں کو خصوصی مراعات دی جائیںگی اور دیہی علاقوں میں بجلی کی فراہمی بہتر بنائی جائےگی۔",
    ],
    "other": [
        "اپوزیشن جماعتوں نے حکومت کی مجوزہ توانائی پالیسی کو مسترد کرتے ہوئے کہا ہے کہ بجلی کے نرخوں میں کمی کے دعوے محض سیاسی نعرے ہیں۔",
        "قومی اسمبلی میں بات کرتے ہوئے اپوزیشن لیڈر نے مطالبہ کیا کہ پالیسی کا مسودہ پارلیمنٹ میں پیش کیا جائے اور اس پر کھلی بحث کرائی جائے۔",
    ],
}

ARABIC = {
    "original": [
        "أعلنت وزارة الصحة المصرية يوم الأحد عن إطلاق حملة قومية للتطعيم ضد شلل الأطفال تستهدف أكثر من 16 مليون طفل دون سن الخامسة في جميع المحافظات. وقالت الوزارة في بيان إن الحملة ستستمر أربعة أيام، وسيشارك فيها نحو 60 ألف فريق طبي.",
        "ودعت الوزارة أولياء الأمور إلى التعاون مع الفرق الطبية التي ستزور المنازل والمدارس، مؤكدة أن اللقاح آمن ومجاني.",
        "وأشار المتحدث باسم الوزارة إلى أن مصر خالية من شلل الأطفال منذ عام 2006، لكن استمرار الحملات ضروري بسبب انتشار المرض في بعض الدول المجاورة.",
    ],
    "copy": [
        "أعلنت وزارة الصحة المصرية الأحد عن إطلاق حملة قومية للتطعيم ضد شلل الأطفال تستهدف أكثر من 16 مليون طفل دون سن الخامسة في جميع المحافظات. وقالت الوزارة في بيان إن الحملة ستستمر أربعة أيام ويشارك فيها نحو 60 ألف فريق طبي.",
        "ودعت الوزارة أولياء الأمور إلى التعاون مع الفرق الطبية التي ستزور المنازل والمدارس، مؤكدة أن اللقاح آمن ومجاني.",
    ],
    "other": [
        "أبدى عدد من أولياء الأمور في محافظة الجيزة ترحيبهم بحملة التطعيم ضد شلل الأطفال، فيما طالب آخرون بتوفير معلومات أكثر عن مواعيد زيارة الفرق الطبية.",
        "وقالت إحدى الأمهات إنها تحرص على تطعيم أطفالها في كل حملة، مضيفة أن الفرق الطبية كانت منظمة في الحملات السابقة.",
    ],
}

UNSPACED = {"ja": JAPANESE, "zh": CHINESE, "th": THAI}
SPACING = {"ur": URDU, "ar": ARABIC}

# ---------------------------------------------------------------- recurring reports (one template, a day's figures)

MARKET_CLOSE_ID = (
    "Indeks Harga Saham Gabungan (IHSG) ditutup {dir} {pts} poin atau {pct} persen ke level {level} pada "
    "perdagangan {weekday}, {date}. Sebanyak {up} saham menguat, {down} saham melemah, dan {flat} saham "
    "stagnan.\n\nNilai transaksi tercatat Rp{value} triliun dengan volume {volume} miliar saham. Investor asing "
    "mencatatkan beli bersih sebesar Rp{foreign} miliar di seluruh pasar.\n\nSaham-saham sektor {sector} "
    "menjadi penopang utama pergerakan indeks pada perdagangan hari ini, sementara sektor {laggard} tertekan."
)
MARKET_CLOSE_EN = (
    "The Straits Times Index closed {dir} {pts} points, or {pct} per cent, at {level} on {weekday}, {date}. "
    "Gainers outnumbered losers {up} to {down}, with {volume} billion shares worth S${value} billion traded.\n\n"
    "Among the index constituents, {sector} stocks led the market, while {laggard} shares were the biggest "
    "drag on the benchmark.\n\nAcross the region, markets were mixed as investors awaited further signals on "
    "interest rates from the US Federal Reserve."
)
GOLD_PRICE_ID = (
    "Harga emas batangan produksi PT Aneka Tambang (Antam) pada {weekday}, {date}, {dir} Rp{delta} menjadi "
    "Rp{price} per gram. Harga pembelian kembali atau buyback emas Antam juga {dir} Rp{bdelta} ke level "
    "Rp{bprice} per gram.\n\nBerikut daftar harga emas Antam hari ini: emas 0,5 gram Rp{p05}, emas 1 gram "
    "Rp{price}, emas 2 gram Rp{p2}, emas 5 gram Rp{p5}, emas 10 gram Rp{p10}, emas 25 gram Rp{p25}, emas 50 "
    "gram Rp{p50}, dan emas 100 gram Rp{p100}.\n\nHarga tersebut sudah termasuk pajak penghasilan (PPh) 22 "
    "sebesar 0,25 persen bagi pemilik NPWP."
)
EXCHANGE_RATE_EN = (
    "The rupiah closed {dir} at {rate} per US dollar on {weekday}, {date}, moving {delta} points from the "
    "previous session, according to Bloomberg data. The Jakarta Interbank Spot Dollar Rate (JISDOR) published "
    "by Bank Indonesia was set at {jisdor}.\n\nAgainst other currencies, the rupiah traded at {sgd} per "
    "Singapore dollar, {eur} per euro and {jpy} per 100 yen.\n\nAnalysts said the currency's movement was "
    "driven by {driver}, and expected it to trade in a range of {low} to {high} in the next session."
)
WEATHER_ID = (
    "Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) memprakirakan cuaca di wilayah Jakarta pada "
    "{weekday}, {date}, {morning} pada pagi hari. Pada siang hari, cuaca diprakirakan {noon} di Jakarta "
    "Selatan dan Jakarta Timur, sementara wilayah lain {other}.\n\nSuhu udara berkisar antara {tmin} hingga "
    "{tmax} derajat Celsius dengan kelembapan udara {hmin} hingga {hmax} persen.\n\nBMKG mengimbau warga "
    "mewaspadai potensi hujan disertai kilat dan angin kencang pada sore hingga malam hari."
)
PRAYER_TIMES_ID = (
    "Berikut jadwal sholat untuk wilayah Kota Bandung dan sekitarnya pada {weekday}, {date}. Jadwal ini "
    "bersumber dari Bimas Islam Kementerian Agama Republik Indonesia.\n\nImsak pukul {imsak} WIB, Subuh pukul "
    "{subuh} WIB, Terbit pukul {terbit} WIB, Dhuha pukul {dhuha} WIB, Dzuhur pukul {dzuhur} WIB, Ashar pukul "
    "{ashar} WIB, Maghrib pukul {maghrib} WIB, dan Isya pukul {isya} WIB.\n\nJadwal dapat berbeda beberapa "
    "menit untuk wilayah di luar Kota Bandung."
)
LEAGUE_TABLE_EN = (
    "Here is the Liga 1 table after matchweek {week}, played up to {weekday}, {date}.\n\n1. {t1}, {p1} "
    "points; 2. {t2}, {p2} points; 3. {t3}, {p3} points; 4. {t4}, {p4} points; 5. {t5}, {p5} points; 6. {t6}, "
    "{p6} points; 7. {t7}, {p7} points; 8. {t8}, {p8} points.\n\nThe top four at the end of the regular season "
    "qualify for the championship series, while the bottom three are relegated."
)
REPORTS = {
    "market-close-id": MARKET_CLOSE_ID,
    "market-close-en": MARKET_CLOSE_EN,
    "gold-price-id": GOLD_PRICE_ID,
    "exchange-rate-en": EXCHANGE_RATE_EN,
    "weather-id": WEATHER_ID,
    "prayer-times-id": PRAYER_TIMES_ID,
    "league-table-en": LEAGUE_TABLE_EN,
}
TEAMS = (
    "Persib Bandung",
    "Borneo FC",
    "Persija Jakarta",
    "Bali United",
    "PSM Makassar",
    "Persebaya Surabaya",
    "Dewa United",
    "Madura United",
)
SECTORS = ("perbankan", "energi", "teknologi", "properti", "konsumer", "infrastruktur")
SECTORS_EN = ("banking", "property", "technology", "energy", "telecommunications", "industrial")
DRIVERS = (
    "weaker US Treasury yields",
    "strong export data",
    "expectations of a rate cut",
    "foreign outflows from the bond market",
    "a softer US dollar",
)
SKY_ID = ("cerah berawan", "berawan", "hujan ringan", "hujan sedang", "cerah", "berawan tebal")

# A story reprinted with one figure brought up to date: still one story.
TOLL_UPDATE_ID = [
    "Korban meninggal dunia akibat banjir bandang di Kabupaten Agam, Sumatera Barat, bertambah menjadi "
    "{dead} orang. Tim SAR gabungan masih mencari {missing} warga yang dilaporkan hilang.",
    "Kepala Badan Penanggulangan Bencana Daerah (BPBD) Agam mengatakan banjir bandang terjadi pada Sabtu "
    "malam setelah hujan deras mengguyur kawasan lereng Gunung Marapi selama lebih dari enam jam.",
    "Sebanyak 140 rumah rusak berat dan lebih dari 600 warga mengungsi ke masjid dan sekolah terdekat. "
    "Pemerintah daerah telah menetapkan status tanggap darurat selama 14 hari.",
    "Pencarian korban difokuskan di sepanjang aliran sungai hingga ke muara, dengan melibatkan 350 personel "
    "gabungan dari Basarnas, TNI, Polri, dan relawan.",
]
SCORE_UPDATE_EN = [
    "Bali United beat Persija Jakarta {home}-{away} at the Kapten I Wayan Dipta Stadium on Saturday night, "
    "moving within three points of the top of the Liga 1 table.",
    "The hosts took the lead through a header from a corner in the first half, and doubled it shortly after "
    "the break with a long-range strike that left the goalkeeper no chance.",
    "Persija pulled one back late on, but could not find an equaliser despite sustained pressure in the "
    "final ten minutes. Their coach said after the match that his side had paid for a slow start.",
]

# ---------------------------------------------------------------- short briefs and size-mismatched copies

LONG_ARTICLE_EN = [
    "The Port of Tanjung Priok will extend its operating hours to 24 hours a day from next month to ease "
    "congestion that has left container ships waiting up to five days to berth, the port operator said on "
    "Tuesday.",
    "The operator, Pelindo, said it would hire 400 additional crane operators and truck drivers and open two "
    "new container yards on reclaimed land north of the existing terminal.",
    '"We cannot let ships queue for a week while shippers pay for every hour of delay," Pelindo\'s director '
    'of operations told reporters in Jakarta. "The new schedule will cut waiting times to under two days by '
    'the end of the year."',
    "Shipping lines have complained for months about delays at Indonesia's busiest port, which handles more "
    "than half of the country's container traffic. Several carriers have added congestion surcharges of up to "
    "$300 per container.",
    "The trade ministry welcomed the plan but said it would monitor whether the longer hours reduced costs "
    "for exporters. Business groups said the customs office would also need to work around the clock for the "
    "change to have an effect.",
    "The port handled 7.8 million containers last year, up 6 percent from the year before, and traffic is "
    "expected to grow further as new industrial estates open in West Java.",
]
# Wholly derived from the long article, reworded and cut to two sentences (few shingles).
SHORT_BRIEF_EN = [
    "Tanjung Priok port will operate 24 hours a day from next month to ease congestion that has left container "
    "ships waiting up to five days, Pelindo said on Tuesday.",
]
# A different article on the same event that quotes the same official.
QUOTE_SHARING_EN = [
    "Truck drivers serving Tanjung Priok said on Wednesday that longer port hours would mean longer shifts "
    "without higher pay, and threatened to strike if their union was not consulted.",
    '"We cannot let ships queue for a week while shippers pay for every hour of delay," Pelindo\'s director '
    "of operations had said a day earlier. Drivers said they too had waited for days at the gates.",
]
# Derived from the long article with rewording: about a third of its length.
MISMATCHED_COPY_EN = [
    "Indonesia's busiest port, Tanjung Priok, will run 24 hours a day from next month to cut congestion that "
    "has kept container ships waiting up to five days to berth, operator Pelindo said on Tuesday.",
    "Pelindo will hire 400 more crane operators and truck drivers and open two new container yards on "
    "reclaimed land north of the existing terminal, it said.",
    "Shipping lines have complained for months about delays at the port, which handles more than half of the "
    "country's container traffic.",
]

# ---------------------------------------------------------------- site templates

PORTAL_NAV = "Portal Kita\nBerita · Nasional · Ekonomi · Olahraga · Foto · Video · Indeks"
PORTAL_FOOTER = (
    "Portal Kita adalah media daring yang menyajikan berita terkini dari seluruh Indonesia setiap hari, "
    "dikelola oleh tim redaksi yang berpengalaman dan berkomitmen pada jurnalisme yang akurat dan berimbang.\n"
    "Tentang Kami · Redaksi · Pedoman Media Siber · Karir · Kontak\nCopyright © 2024 Portal Kita"
)
# (headline, caption): a photo page's whole article
PHOTO_CAPTIONS_ID = [
    (
        "Banjir Rendam Ribuan Rumah di Demak",
        "Warga melintasi banjir yang merendam permukiman di Kecamatan Karanganyar, Demak, Jawa Tengah, Senin "
        "(18/11/2024). Banjir akibat luapan Sungai Wulan merendam ribuan rumah warga. (ANTARA FOTO/Aji Styawan)",
    ),
    (
        "Panen Padi di Karawang",
        "Petani memanen padi di areal persawahan Desa Sukamaju, Karawang, Jawa Barat, Selasa (19/11/2024). Harga "
        "gabah kering panen di tingkat petani naik menjadi Rp6.800 per kilogram. (ANTARA FOTO/Putra M Akbar)",
    ),
    (
        "Wisatawan Padati Pantai Kuta",
        "Pengunjung menikmati suasana Pantai Kuta, Bali, Rabu (20/11/2024). Jumlah wisatawan mancanegara ke Bali "
        "hingga Oktober tercatat 5,2 juta orang. (ANTARA FOTO/Nyoman Hendra)",
    ),
    (
        "Pembangunan Jembatan Tol Bekasi",
        "Pekerja menyelesaikan pembangunan jembatan tol di Kabupaten Bekasi, Jawa Barat, Kamis (21/11/2024). Ruas "
        "tol tersebut ditargetkan beroperasi pada awal 2025. (ANTARA FOTO/Fakhri Hermansyah)",
    ),
]
# a site whose pages in the batch are versions of one story, crawled as its figures were updated
UPDATED_SITE = ("Suara Daerah", "Berita | Daerah | Bencana | Opini", "© 2024 Suara Daerah")
UPDATED_ARTICLE_ID = [
    "Pemadaman listrik yang melanda sebagian wilayah Kota Palembang sejak Minggu sore masih berlangsung. "
    "Hingga pukul {hour}.00 WIB, sebanyak {homes} rumah pelanggan belum kembali mendapat aliran listrik.",
    "Manajer unit pelaksana pelayanan pelanggan PLN setempat mengatakan gangguan terjadi pada gardu induk "
    "di kawasan Kertapati setelah hujan deras disertai angin kencang merobohkan dua tiang transmisi.",
    "Petugas telah dikerahkan untuk memasang tiang darurat dan mengalihkan beban ke gardu lain, sehingga "
    "sebagian besar pelanggan di pusat kota sudah dapat menikmati listrik kembali pada malam hari.",
    "Warga mengeluhkan pompa air dan lemari pendingin yang tidak dapat digunakan, sementara sejumlah pelaku "
    "usaha kecil terpaksa menutup warung mereka lebih awal karena gelap.",
]
# one site's page of an article, also crawled as its AMP, print and mobile versions (the same text)
COPIED_SITE = ("Kabar Kilat", "Utama | Peristiwa | Ekonomi | Teknologi", "© 2024 Kabar Kilat")
COPIED_ARTICLE_ID = [
    "Pemerintah kota meresmikan tiga halte bus listrik baru di koridor selatan pada Selasa pagi, menambah "
    "jaringan angkutan umum yang kini melayani dua belas rute setiap hari.",
    "Kepala dinas perhubungan mengatakan armada bus listrik akan ditambah dua puluh unit hingga akhir tahun, "
    "seiring naiknya jumlah penumpang yang mencapai empat puluh ribu orang per hari.",
    "Warga menyambut baik halte baru itu, meski sebagian meminta jadwal keberangkatan malam diperpanjang "
    "agar pekerja yang pulang larut tetap terlayani.",
]
