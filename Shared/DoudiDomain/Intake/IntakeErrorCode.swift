// The stable codes of `FieldError.code`. Producers branch on these; never rename one.

public enum IntakeErrorCode: String, CaseIterable, Sendable {
    // Shape
    case required
    case wrongType = "wrong_type"
    case tooLong = "too_long"
    case invalidCharacters = "invalid_characters"
    case invalidName = "invalid_name"
    case tooFewItems = "too_few_items"
    case tooManyItems = "too_many_items"
    // Values
    case unknownValue = "unknown_value"
    case invalidCode = "invalid_code"
    case notInteger = "not_integer"
    case negativeAmount = "negative_amount"
    case amountTooLarge = "amount_too_large"
    case outOfRange = "out_of_range"
    case invalidDate = "invalid_date"
    case dateInFuture = "date_in_future"
    case invalidPhone = "invalid_phone"
    case invalidRegionCode = "invalid_region_code"
    /// Well formed, but the region directory has no such county or township.
    case unknownRegion = "unknown_region"
    /// A warning, not an error: the code was retired by a division change (accepted, mapped
    /// to its successor where the data names one).
    case retiredRegion = "retired_region"
    case invalidIdentifier = "invalid_identifier"
    // Identity numbers
    case invalidIdNumber = "invalid_id_number"
    case idCheckDigit = "id_check_digit"
    case invalidIdProvince = "invalid_id_province"
    case invalidBirthDate = "invalid_birth_date"
    // Consistency
    case bornAfterCollection = "born_after_collection"
    case genderMismatch = "gender_mismatch"
    case ageMismatch = "age_mismatch"
    case relationAgeInconsistent = "relation_age_inconsistent"
    case declarationRequired = "declaration_required"
    case duplicateMember = "duplicate_member"
    case multipleSelf = "multiple_self"
    case applicantNotMember = "applicant_not_member"
    case applicantRelationNotSelf = "applicant_relation_not_self"
    case applicantNameMismatch = "applicant_name_mismatch"
    case supporterIsMember = "supporter_is_member"
    case duplicateSupporter = "duplicate_supporter"
    case exemptIncomeExceedsIncome = "exempt_income_exceeds_income"
    case duplicateExemptIncome = "duplicate_exempt_income"
}

/// A code with its messages. Messages state the rule and its limits, never the value given:
/// the value may be someone's identity number or name.
struct IntakeIssue: Sendable, Equatable {
    let code: IntakeErrorCode
    let zh: String
    let en: String

    init(_ code: IntakeErrorCode, _ zh: String, _ en: String) { self.code = code; self.zh = zh; self.en = en }

    func at(_ path: String) -> FieldError { FieldError(field: path, code: code.rawValue, message: zh, messageEn: en) }
}
