// Chinese and English messages of every issue.

extension IntakeIssue {
    static let required = IntakeIssue(.required, "必填项缺失", "This field is required")
    static func wrongType(expected: String) -> IntakeIssue {
        IntakeIssue(.wrongType, "数据类型错误，应为\(chineseKind(expected))", "Wrong type, expected \(expected)")
    }
    static func tooLong(max: Int) -> IntakeIssue {
        IntakeIssue(.tooLong, "长度超过 \(max) 个字符", "Longer than \(max) characters")
    }
    static let invalidCharacters = IntakeIssue(.invalidCharacters, "含有控制字符", "Contains control characters")
    static let invalidName = IntakeIssue(.invalidName, "姓名只能包含文字、空格和间隔号（·），不能含有符号、标记或方向控制字符",
                                         "A name may contain only letters, combining marks, spaces and the middle dot (·): no symbols, markup or direction controls")
    static func tooFewItems(min: Int) -> IntakeIssue {
        IntakeIssue(.tooFewItems, "至少需要填写 \(min) 项", "At least \(min) entries are required")
    }
    static func tooManyItems(max: Int) -> IntakeIssue {
        IntakeIssue(.tooManyItems, "最多填写 \(max) 项", "At most \(max) entries are allowed")
    }

    static func unknownValue(allowed: [String]) -> IntakeIssue {
        let list = allowed.joined(separator: ", ")
        return IntakeIssue(.unknownValue, "不是允许的取值（\(list)）", "Not one of the allowed values (\(list))")
    }
    static let invalidCode = IntakeIssue(.invalidCode, "代码格式错误，应为小写字母、数字和下划线",
                                         "Not a code: lower-case letters, digits and underscores")
    static let notInteger = IntakeIssue(.notInteger, "应为整数", "Must be a whole number")
    static let negativeAmount = IntakeIssue(.negativeAmount, "金额不能为负数", "Amount must not be negative")
    static func amountTooLarge(maxFen: Int64) -> IntakeIssue {
        IntakeIssue(.amountTooLarge, "金额超过上限 \(maxFen) 分", "Amount exceeds the limit of \(maxFen) fen")
    }
    static func outOfRange(_ range: String) -> IntakeIssue {
        IntakeIssue(.outOfRange, "超出允许范围 \(range)", "Out of the allowed range \(range)")
    }
    static let invalidDate = IntakeIssue(.invalidDate, "日期无效，应为 YYYY-MM-DD 格式且不早于 1900 年",
                                         "Not a valid date: YYYY-MM-DD, not before 1900")
    static let invalidTimestamp = IntakeIssue(.invalidDate, "时间无效，应为 RFC 3339 时间或 YYYY-MM-DD 日期",
                                              "Not a valid RFC 3339 timestamp or YYYY-MM-DD date")
    static let dateInFuture = IntakeIssue(.dateInFuture, "日期晚于当前日期", "Date is in the future")
    static let invalidPhone = IntakeIssue(.invalidPhone, "联系电话无效，应为 11 位手机号码或带区号的固定电话",
                                          "Not a phone number: an 11-digit mobile or a landline with area code")
    static let invalidIdentifier = IntakeIssue(.invalidIdentifier, "编号只能包含字母、数字和 . _ : -，且不超过 128 个字符",
                                               "Ids use letters, digits and . _ : - only, at most 128 characters")

    static func region(_ problem: RegionCode.Problem) -> IntakeIssue {
        switch problem {
        case .format: IntakeIssue(.invalidRegionCode, "区划代码应为 9 位（乡镇）或 12 位（村）数字",
                                  "Division code must be 9 (township) or 12 (village) digits")
        case .province: IntakeIssue(.invalidRegionCode, "区划代码的省级代码不存在", "Unknown province in the division code")
        case .emptyLevel: IntakeIssue(.invalidRegionCode, "区划代码缺少市县或乡镇层级", "Division code lacks its city or township level")
        }
    }

    /// Names the level that does not exist and the nearest valid parent (a directory entry, not
    /// the value given).
    static func unknownRegion(_ level: RegionLevel, parent: Region?, directory: RegionDirectory) -> IntakeIssue {
        let (zhLevel, enLevel) = switch level {
        case .province: ("省级区划", "province")
        case .city: ("地市级区划", "city-level division")
        case .county: ("县级区划", "county-level division")
        case .township: ("乡镇（街道）", "township or street")
        }
        let zhParent = parent.map { "；最近的有效上级区划：\(directory.label($0.code))" } ?? ""
        let enParent = parent.map { "; nearest valid parent: \(directory.label($0.code, english: true))" } ?? ""
        return IntakeIssue(.unknownRegion, "区划代码中的\(zhLevel)在区划目录中不存在\(zhParent)",
                           "No such \(enLevel) in the region directory\(enParent)")
    }

    static func retiredRegion(_ why: RetiredCode, directory: RegionDirectory) -> IntakeIssue {
        if let township = why.abolishedTownship {
            return IntakeIssue(.retiredRegion, "区划代码中的乡镇（街道）\(township.name)已撤销，按原代码受理，请核实现住地",
                               "The township or street \(township.name) (zh) was abolished; accepted as given, please check the residence")
        }
        guard let r = why.retired else { return IntakeIssue(.retiredRegion, "区划代码已停用", "The division code is retired") }
        let zhWas = "区划代码中的县级区划\(r.name)已于 \(r.year) 年\(r.change)"
        let enWas = "The county-level division \(r.name) (zh) was retired in \(r.year) (\(r.change))"
        if let mapped = why.mappedTo {
            return IntakeIssue(.retiredRegion, "\(zhWas)，已改用现行区划 \(directory.label(mapped.code))",
                               "\(enWas); the current division \(directory.label(mapped.code, english: true)) is used instead")
        }
        if let successor = why.successorWithoutTownship {
            return IntakeIssue(.retiredRegion, "\(zhWas)，现属 \(directory.label(successor.code))，但其下没有对应的乡镇（街道），按原代码受理，请核实",
                               "\(enWas); it is now \(directory.label(successor.code, english: true)), which has no matching township, so the code is kept as given: please check")
        }
        return IntakeIssue(.retiredRegion, "\(zhWas)，数据未给出承继区划，按原代码受理，请核实",
                           "\(enWas); the data names no successor, so the code is kept as given: please check")
    }

    static func identity(_ problem: IdentityNumber.Problem) -> IntakeIssue {
        switch problem {
        case .format: IntakeIssue(.invalidIdNumber, "身份证号码应为 17 位数字加 1 位校验码（数字或 X）",
                                  "Identity number must be 17 digits and a check character (digit or X)")
        case .checkDigit: IntakeIssue(.idCheckDigit, "身份证号码校验码错误", "Identity number check character is wrong")
        case .province: IntakeIssue(.invalidIdProvince, "身份证号码的省级代码不存在", "Unknown province in the identity number")
        case .birthDate: IntakeIssue(.invalidBirthDate, "身份证号码中的出生日期无效、晚于当前日期或超过 130 年",
                                     "Birth date in the identity number is invalid, in the future or over 130 years ago")
        }
    }

    static let bornAfterCollection = IntakeIssue(.bornAfterCollection, "出生日期晚于采集日期", "Born after the collection date")
    static let genderMismatch = IntakeIssue(.genderMismatch, "性别与身份证号码不符", "Gender differs from the identity number")
    static let ageMismatch = IntakeIssue(.ageMismatch, "填报年龄与身份证号码推算的年龄相差超过 1 岁",
                                         "Stated age differs by more than one year from the identity number")
    static let relationAgeInconsistent = IntakeIssue(.relationAgeInconsistent, "与申报人关系和年龄不符",
                                                     "Relation to the applicant does not fit the ages")
    static let declarationRequired = IntakeIssue(.declarationRequired, "入户走访、自主申报和基层上报的采集表须由申报人签署诚信承诺",
                                                 "Forms collected by home visit, self-declaration or grassroots report need the declarant's signed declaration")
    static let exemptIncomeExceedsIncome = IntakeIssue(.exemptIncomeExceedsIncome, "不计入的收入合计超过该成员的月收入",
                                                       "The exempt incomes add up to more than the member's monthly income")
    static let duplicateExemptIncome = IntakeIssue(.duplicateExemptIncome, "同一种不计入收入只能填写一次",
                                                   "Each kind of exempt income may be given once")
    static let duplicateMember = IntakeIssue(.duplicateMember, "身份证号码与其他家庭成员重复",
                                             "Identity number repeats another member's")
    static let multipleSelf = IntakeIssue(.multipleSelf, "只能有一名成员与申报人关系为本人", "Only one member can be the applicant (self)")
    static let applicantNotMember = IntakeIssue(.applicantNotMember, "申报人须列入共同生活家庭成员",
                                                "The applicant must be listed among the members")
    static let applicantRelationNotSelf = IntakeIssue(.applicantRelationNotSelf, "申报人本人的关系应为本人",
                                                      "The applicant's own relation must be self")
    static let applicantNameMismatch = IntakeIssue(.applicantNameMismatch, "申报人姓名与家庭成员中的姓名不一致",
                                                   "The applicant's name differs from the member entry")
    static let supporterIsMember = IntakeIssue(.supporterIsMember, "赡养人不能同时是共同生活家庭成员",
                                               "A supporter cannot also be a household member")
    static let duplicateSupporter = IntakeIssue(.duplicateSupporter, "身份证号码与其他赡养人重复",
                                                "Identity number repeats another supporter's")

    private static func chineseKind(_ kind: String) -> String {
        switch kind {
        case "string": "字符串"
        case "number", "integer": "数字"
        case "boolean": "布尔值（true/false）"
        case "array": "数组"
        case "object": "对象"
        default: kind
        }
    }
}
