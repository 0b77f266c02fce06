"""Vietnamese vocabulary for the benchmark corpus: real words and phrases about the campaign
"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh".

Only data lives here; bench/corpus.py combines it with a seeded random.Random.
"""

SECTIONS = [
    ("tin-tuc-su-kien", "Tin tức – Sự kiện",
     "Tin hoạt động của các cấp ủy, cơ quan, đơn vị trong việc học tập và làm theo Bác."),
    ("xay-dung-dang", "Xây dựng Đảng",
     "Công tác xây dựng, chỉnh đốn Đảng gắn với học tập và làm theo Bác."),
    ("guong-nguoi-tot-viec-tot", "Gương người tốt, việc tốt",
     "Những tập thể, cá nhân điển hình trong học tập và làm theo Bác."),
    ("phong-van", "Phỏng vấn",
     "Trao đổi với cán bộ, đảng viên về thực hiện các chỉ thị, kết luận."),
]
# Share of articles per section (same order as SECTIONS).
SECTION_WEIGHTS = [45, 30, 17, 8]

# (kind, number, issuer, date, slug year, title, summary, aliases)
DIRECTIVES = [
    ("Chỉ thị", "06-CT/TW", "Bộ Chính trị", "2006-11-07",
     "Về tổ chức Cuộc vận động “Học tập và làm theo tấm gương đạo đức Hồ Chí Minh”",
     "Văn bản mở đầu Cuộc vận động trong toàn Đảng, toàn dân và toàn quân.",
     ["Chỉ thị số 06-CT/TW", "Chỉ thị 06"]),
    ("Chỉ thị", "03-CT/TW", "Bộ Chính trị", "2011-05-14",
     "Về tiếp tục đẩy mạnh việc học tập và làm theo tấm gương đạo đức Hồ Chí Minh",
     "Việc học tập và làm theo tấm gương đạo đức của Bác là công việc thường xuyên của tổ chức đảng, chính quyền và đoàn thể.",
     ["Chỉ thị số 03-CT/TW", "Chỉ thị 03"]),
    ("Nghị quyết", "12-NQ/TW", "Ban Chấp hành Trung ương", "2012-01-16",
     "Một số vấn đề cấp bách về xây dựng Đảng hiện nay",
     "Nghị quyết Hội nghị Trung ương 4 khóa XI về ba vấn đề cấp bách trong công tác xây dựng Đảng.",
     ["Nghị quyết số 12-NQ/TW", "Nghị quyết Trung ương 4 khóa XI"]),
    ("Chỉ thị", "05-CT/TW", "Bộ Chính trị", "2016-05-15",
     "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Chỉ thị mở rộng nội dung học tập từ tấm gương đạo đức sang cả tư tưởng và phong cách của Người.",
     ["Chỉ thị số 05-CT/TW", "Chỉ thị 05"]),
    ("Quy định", "08-QĐi/TW", "Ban Chấp hành Trung ương", "2018-10-25",
     "Về trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là Ủy viên Bộ Chính trị, Ủy viên Ban Bí thư, Ủy viên Ban Chấp hành Trung ương",
     "Quy định đề cao trách nhiệm nêu gương của cán bộ, đảng viên, nhất là người đứng đầu.",
     ["Quy định số 08-QĐi/TW", "Quy định 08"]),
    ("Kết luận", "01-KL/TW", "Bộ Chính trị", "2021-05-18",
     "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII",
     "Kết luận yêu cầu tiếp tục đưa việc học tập và làm theo Bác thành việc làm tự giác, thường xuyên.",
     ["Kết luận số 01-KL/TW", "Kết luận 01"]),
]

PROVINCES = [
    "An Giang", "Đồng Tháp", "Cần Thơ", "Kiên Giang", "Cà Mau", "Bạc Liêu", "Sóc Trăng",
    "Trà Vinh", "Vĩnh Long", "Bến Tre", "Tiền Giang", "Long An", "Tây Ninh", "Bình Phước",
    "Đắk Lắk", "Gia Lai", "Kon Tum", "Lâm Đồng", "Khánh Hòa", "Phú Yên", "Bình Định",
    "Quảng Ngãi", "Quảng Nam", "Thừa Thiên Huế", "Quảng Trị", "Quảng Bình", "Hà Tĩnh",
    "Nghệ An", "Thanh Hóa", "Ninh Bình", "Nam Định", "Thái Bình", "Hải Dương", "Bắc Ninh",
    "Thái Nguyên", "Tuyên Quang", "Hà Giang", "Cao Bằng", "Lạng Sơn", "Điện Biên",
]

DISTRICTS = [
    "An Phú", "Tân Châu", "Phú Tân", "Châu Phú", "Châu Đốc", "Tịnh Biên", "Tri Tôn",
    "Thoại Sơn", "Chợ Mới", "Châu Thành", "Long Xuyên", "Cao Lãnh", "Tam Nông", "Hồng Ngự",
    "Lai Vung", "Thốt Nốt", "Ô Môn", "Phong Điền", "Cờ Đỏ", "Vĩnh Thạnh", "Hòn Đất",
    "Giồng Riềng", "U Minh", "Năm Căn", "Ngọc Hiển", "Đầm Dơi", "Hồng Dân", "Phước Long",
    "Mỹ Xuyên", "Cầu Kè", "Tiểu Cần", "Trà Ôn", "Mang Thít", "Ba Tri", "Giồng Trôm",
    "Cái Bè", "Gò Công", "Cần Giuộc", "Đức Hòa", "Trảng Bàng", "Krông Pắc", "Ea Kar",
    "Chư Sê", "Đăk Hà", "Di Linh", "Cam Lâm", "Tuy An", "Hoài Nhơn", "Tư Nghĩa", "Điện Bàn",
    "Phong Điền", "Hải Lăng", "Lệ Thủy", "Đức Thọ", "Nam Đàn", "Thọ Xuân", "Kim Sơn",
    "Giao Thủy", "Kiến Xương", "Gia Lộc", "Tiên Du", "Đại Từ", "Sơn Dương", "Bắc Mê",
]

UNITS = [
    "Huyện ủy", "Thị ủy", "Thành ủy", "Đảng ủy xã", "Đảng ủy phường", "Đảng ủy thị trấn",
    "Ủy ban Mặt trận Tổ quốc huyện", "Huyện đoàn", "Hội Nông dân huyện", "Hội Liên hiệp Phụ nữ huyện",
    "Hội Cựu chiến binh huyện", "Công an huyện", "Ban Chỉ huy Quân sự huyện", "Trung tâm Y tế huyện",
    "Phòng Giáo dục và Đào tạo", "Liên đoàn Lao động huyện", "Đảng ủy Khối cơ quan huyện",
    "Ban Tuyên giáo Huyện ủy", "Ủy ban Kiểm tra Huyện ủy", "Chi bộ ấp", "Chi bộ khóm",
]

SUBJECTS = [
    "Ban Thường vụ Huyện ủy", "cấp ủy các cấp", "các tổ chức cơ sở đảng", "đội ngũ cán bộ, đảng viên",
    "người đứng đầu cơ quan, đơn vị", "Mặt trận Tổ quốc và các đoàn thể chính trị – xã hội",
    "chi bộ các ấp, khóm", "đoàn viên, thanh niên", "hội viên phụ nữ", "hội viên cựu chiến binh",
    "cán bộ, chiến sĩ lực lượng vũ trang", "đội ngũ giáo viên", "y bác sĩ của trung tâm",
    "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra các cấp", "các cơ quan khối Đảng",
    "chính quyền địa phương", "mỗi cán bộ, đảng viên", "nhân dân trong xã", "các chi bộ trực thuộc",
]

VERBS = [
    "đã tổ chức quán triệt", "tiếp tục triển khai", "chú trọng đẩy mạnh", "thường xuyên kiểm tra, giám sát",
    "cụ thể hóa", "gắn kết chặt chẽ", "đưa vào sinh hoạt chi bộ định kỳ", "xây dựng kế hoạch thực hiện",
    "chủ động đổi mới", "kịp thời biểu dương", "nhân rộng", "tích cực hưởng ứng", "nghiêm túc thực hiện",
    "đăng ký làm theo", "lựa chọn nội dung đột phá về", "sơ kết, đánh giá", "tuyên truyền sâu rộng",
    "phát huy hiệu quả", "đề ra giải pháp nâng cao", "lồng ghép",
]

OBJECTS = [
    "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "chuyên đề học tập và làm theo Bác hằng năm", "các mô hình, điển hình tiên tiến",
    "trách nhiệm nêu gương của cán bộ, đảng viên", "công tác xây dựng, chỉnh đốn Đảng",
    "phong trào thi đua yêu nước", "chuẩn mực đạo đức công vụ", "tác phong, lề lối làm việc",
    "chất lượng sinh hoạt chi bộ", "cuộc vận động “Dân vận khéo”",
    "phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”", "công tác dân vận ở cơ sở",
    "tinh thần cần, kiệm, liêm, chính, chí công vô tư", "ý thức phục vụ nhân dân",
    "việc giải quyết kiến nghị chính đáng của người dân", "chương trình xây dựng nông thôn mới",
    "công tác giảm nghèo bền vững", "phong trào “Tuổi trẻ làm theo lời Bác”",
    "nội dung tự phê bình và phê bình", "việc thực hành tiết kiệm, chống lãng phí",
]

COMPLEMENTS = [
    "gắn với nhiệm vụ chính trị của địa phương", "tạo chuyển biến rõ nét trong nhận thức và hành động",
    "góp phần xây dựng hệ thống chính trị ngày càng trong sạch, vững mạnh",
    "qua đó củng cố niềm tin của nhân dân đối với Đảng", "với nhiều cách làm sáng tạo, thiết thực",
    "theo phương châm “nói đi đôi với làm”", "bảo đảm đúng tiến độ và chất lượng",
    "từ những việc nhỏ, việc cụ thể hằng ngày", "trở thành việc làm tự giác, thường xuyên",
    "phù hợp với đặc điểm, tình hình của từng đơn vị", "nhất là ở cơ sở và vùng đồng bào dân tộc",
    "bằng những việc làm thiết thực, hiệu quả", "hướng tới kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh",
    "trong toàn Đảng bộ và trong các tầng lớp nhân dân", "đạt nhiều kết quả tích cực",
    "góp phần hoàn thành thắng lợi nghị quyết đại hội", "không chạy theo hình thức, phong trào",
]

OPENERS = [
    "Trong năm qua,", "Từ đầu năm đến nay,", "Thời gian tới,", "Nhân dịp kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh,",
    "Qua 5 năm thực hiện,", "Sau khi quán triệt chuyên đề,", "Thực hiện kế hoạch của Tỉnh ủy,",
    "Bên cạnh những kết quả đạt được,", "Đáng chú ý,", "Cùng với đó,", "Theo báo cáo sơ kết,",
    "Để việc học tập đi vào chiều sâu,", "Trên cơ sở đó,", "Trong 6 tháng đầu năm,",
    "Quán triệt lời dạy của Bác,", "Đặc biệt,",
]

STATS = [
    "có {a} tập thể và {b} cá nhân được khen thưởng vì có thành tích xuất sắc",
    "tỷ lệ cán bộ, đảng viên đăng ký làm theo đạt {p}%",
    "{a} mô hình “Dân vận khéo” được công nhận và nhân rộng",
    "nhân dân đã hiến hơn {b} mét vuông đất để làm đường giao thông nông thôn",
    "đã xây dựng {a} căn nhà đại đoàn kết cho hộ nghèo",
    "{p}% chi bộ xây dựng được tiêu chí làm theo phù hợp với thực tế",
    "có {a} sáng kiến, giải pháp được áp dụng vào thực tiễn",
    "hơn {b} lượt cán bộ, đảng viên tham gia các hội thi tìm hiểu",
    "{a} tổ chức cơ sở đảng được đánh giá hoàn thành xuất sắc nhiệm vụ",
]

QUOTES = [
    "“Cán bộ là cái gốc của mọi công việc”", "“Dễ mười lần không dân cũng chịu, khó trăm lần dân liệu cũng xong”",
    "“Một tấm gương sống còn có giá trị hơn một trăm bài diễn văn tuyên truyền”",
    "“Đảng ta là đạo đức, là văn minh”", "“Việc gì có lợi cho dân, ta phải hết sức làm”",
    "“Cần, kiệm, liêm, chính, chí công vô tư”", "“Vì lợi ích mười năm thì phải trồng cây, vì lợi ích trăm năm thì phải trồng người”",
    "“Nói phải đi đôi với làm”",
]

EVENTS = [
    "sơ kết {k} năm thực hiện Chỉ thị 05-CT/TW", "tổ chức hội nghị học tập chuyên đề năm {y}",
    "biểu dương điển hình học tập và làm theo Bác năm {y}", "tổ chức hội thi tìm hiểu về Bác",
    "ra mắt mô hình “Dân vận khéo” tại {d}", "triển khai chuyên đề học tập năm {y}",
    "tổng kết Cuộc vận động tại {d}", "tọa đàm về trách nhiệm nêu gương của người đứng đầu",
    "trao nhà đại đoàn kết cho hộ nghèo ở {d}", "phát động phong trào thi đua năm {y}",
    "kiểm tra việc thực hiện Kết luận 01-KL/TW tại {d}", "tổ chức hành trình về nguồn",
    "khen thưởng tập thể, cá nhân tiêu biểu năm {y}", "báo cáo viên nói chuyện chuyên đề năm {y}",
]

PARTY_ACTIONS = [
    "đưa việc làm theo Bác thành nếp sinh hoạt", "nâng cao chất lượng sinh hoạt chi bộ",
    "phát huy vai trò nêu gương của người đứng đầu", "siết chặt kỷ luật, kỷ cương hành chính",
    "chú trọng công tác kiểm tra, giám sát", "đổi mới cách học tập chuyên đề",
    "gắn học tập với tự phê bình và phê bình", "xây dựng chuẩn mực đạo đức cán bộ",
    "lấy ý kiến nhân dân đánh giá cán bộ", "đẩy mạnh đối thoại với nhân dân",
    "phát triển đảng viên trong thanh niên", "xây dựng chi bộ “4 tốt”",
]

PERSON_ROLES = [
    "Cựu chiến binh", "Cô giáo", "Thầy giáo", "Bác sĩ", "Nông dân", "Trưởng ấp", "Bí thư chi bộ",
    "Đoàn viên", "Chiến sĩ công an", "Nữ doanh nhân", "Người uy tín", "Lão nông",
]

DEEDS = [
    "hiến đất làm đường ở {d}", "hơn 20 năm giúp học sinh nghèo ở {d}",
    "tận tụy với người bệnh vùng sâu {d}", "làm kinh tế giỏi, giúp đỡ bà con {d}",
    "vận động nhân dân xây cầu nông thôn ở {d}", "giữ gìn bình yên cho xóm làng {d}",
    "mở lớp học tình thương ở {d}", "nuôi dạy trẻ mồ côi ở {d}", "trồng rừng phòng hộ ở {d}",
    "gương mẫu trong phong trào tiết kiệm ở {d}",
]

INTERVIEW_TOPICS = [
    "trách nhiệm nêu gương của người đứng đầu", "việc đưa chuyên đề vào sinh hoạt chi bộ",
    "xây dựng chuẩn mực đạo đức ở cơ sở", "học tập và làm theo Bác trong thanh niên",
    "công tác dân vận gắn với làm theo Bác", "những cách làm hay ở cơ sở",
]

INTERVIEW_ROLES = [
    "Bí thư Huyện ủy", "Phó Bí thư Thường trực Huyện ủy", "Trưởng Ban Tuyên giáo Huyện ủy",
    "Chủ tịch Ủy ban Mặt trận Tổ quốc huyện", "Bí thư Huyện đoàn", "Bí thư Đảng ủy xã",
]

QUESTIONS = [
    "Xin ông cho biết những kết quả nổi bật của địa phương trong thời gian qua?",
    "Đâu là cách làm mới để việc học tập và làm theo Bác đi vào chiều sâu?",
    "Trách nhiệm nêu gương của người đứng đầu được thể hiện như thế nào?",
    "Những khó khăn, hạn chế nào cần được khắc phục trong thời gian tới?",
    "Việc đưa nội dung làm theo Bác vào sinh hoạt chi bộ được thực hiện ra sao?",
    "Xin ông chia sẻ định hướng của địa phương trong năm tới?",
]

HEADINGS = [
    "Chuyển biến từ nhận thức đến hành động", "Người đứng đầu phải gương mẫu", "Những cách làm hay",
    "Làm theo Bác từ việc nhỏ", "Gắn với nhiệm vụ chính trị", "Vẫn còn những hạn chế",
    "Giải pháp trong thời gian tới", "Lan tỏa những tấm gương bình dị", "Kết quả bước đầu",
    "Đưa chuyên đề vào sinh hoạt chi bộ", "Dân tin, dân theo", "Nhiều mô hình hiệu quả",
]

LIST_ITEMS = [
    "Tăng cường công tác tuyên truyền về tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Đưa nội dung học tập chuyên đề vào sinh hoạt chi bộ định kỳ hằng tháng",
    "Phát huy vai trò nêu gương của người đứng đầu cấp ủy, chính quyền",
    "Kịp thời phát hiện, biểu dương và nhân rộng các điển hình tiên tiến",
    "Gắn việc làm theo Bác với giải quyết những vấn đề bức xúc ở cơ sở",
    "Thường xuyên kiểm tra, giám sát việc thực hiện chuẩn mực đạo đức",
    "Đổi mới phương pháp học tập, tránh hình thức, chung chung",
    "Lấy kết quả làm theo Bác làm tiêu chí đánh giá cán bộ, đảng viên cuối năm",
    "Phát huy vai trò giám sát của Mặt trận Tổ quốc và nhân dân",
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Tô"]
MIDDLE_M = ["Văn", "Hữu", "Minh", "Thanh", "Quốc", "Thành", "Hoàng", "Đức", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Kim", "Thùy", "Mỹ", "Bích"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Nhân", "Phúc", "Quang",
           "Sơn", "Tâm", "Trung", "Tuấn", "Vinh", "Hiếu", "Khánh", "Lộc", "Thắng"]
GIVEN_F = ["Hạnh", "Hương", "Lan", "Mai", "Thảo", "Yến", "Hoa", "Hằng", "Nga", "Trang", "Loan",
           "Diễm", "Nhung", "Tuyết", "Vân"]

LINK_TEXTS = [
    ("toàn văn chỉ thị", "https://example.org/van-ban/chi-thi-05-ct-tw"),
    ("kế hoạch thực hiện", "https://example.org/ke-hoach/thuc-hien-chuyen-de"),
    ("chuyên đề học tập", "https://example.org/chuyen-de/hoc-tap-va-lam-theo-bac"),
    ("báo cáo sơ kết", "https://example.org/bao-cao/so-ket"),
    ("tài liệu sinh hoạt chi bộ", "https://example.org/tai-lieu/sinh-hoat-chi-bo"),
]
