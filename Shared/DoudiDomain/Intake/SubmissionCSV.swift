// Bulk import of `intake.submission.v1` from CSV (e.g. historical registers, `historical`).

/// Maps a header row and data rows to the JSON object `SubmissionValidator` takes.
///
/// Columns (matched case-insensitively; unknown columns are ignored, order is free, an empty
/// cell is an absent field):
///
/// - form: `submissionId`, `channel`, `regionCode`, `area`, `registeredAddress`,
///   `residenceAddress`, `hardshipReasons` (codes separated by `;`), `requestsAssistance`,
///   `relativeOfStaff`, `declarationSigned`, `verificationAuthorized`, `formerRegisteredPoor` (booleans: `true/false`,
///   `1/0`, `yes/no`, `是/否`), `collectedAt`, `collectedBy`
/// - applicant: `applicantName`, `applicantIdNumber`, `applicantPhone`, `applicantGender`
/// - income (annual fen): `wagesFen`, `businessFen`, `propertyFen`, `transferFen`, `otherIncomeFen`;
///   the income block is required, so a file needs at least one of these columns (empty cells are 0)
/// - expenses (annual fen): `livingFen`, `socialInsuranceFen`, `employmentCostFen`, `medicalFen`,
///   `disabilityFen`, `otherExpensesFen`
/// - assets (fen): `depositsFen`, `securitiesFen`, `fundsFen`, `commercialInsuranceFen`,
///   `claimsFen`, `otherAssetsFen`
/// - lists, each one cell holding a JSON array of objects with the contract's field names:
///   `members`, `supporters`, `houses`, `vehicles`, `business`
///
/// Members travel as one JSON array column rather than repeated `member1Name…` columns: a
/// member has eleven fields, households up to thirty members, and the validator then reports
/// `members[2].idNumber` exactly as for JSON submissions. Spreadsheet users quote the cell
/// (`"[{""relation"":""self"",…}]"`), which `CSV.line` does.
public struct SubmissionCSV: CSVLayout {
    public static let knownColumns: [CSVColumn] = [
        CSVColumn("submissionId", "submissionId"),
        CSVColumn("channel", "channel"),
        CSVColumn("regionCode", "regionCode"),
        CSVColumn("area", "area"),
        CSVColumn("registeredAddress", "registeredAddress"),
        CSVColumn("residenceAddress", "residenceAddress"),
        CSVColumn("applicantName", "applicant.name"),
        CSVColumn("applicantIdNumber", "applicant.idNumber"),
        CSVColumn("applicantPhone", "applicant.phone"),
        CSVColumn("applicantGender", "applicant.gender"),
        CSVColumn("hardshipReasons", "hardshipReasons", .list),
        CSVColumn("requestsAssistance", "requestsAssistance", .boolean),
        CSVColumn("relativeOfStaff", "relativeOfStaff", .boolean),
        CSVColumn("declarationSigned", "declarationSigned", .boolean),
        CSVColumn("verificationAuthorized", "verificationAuthorized", .boolean),
        CSVColumn("formerRegisteredPoor", "formerRegisteredPoor", .boolean),
        CSVColumn("collectedAt", "collectedAt"),
        CSVColumn("collectedBy", "collectedBy"),
        CSVColumn("wagesFen", "income.wagesFen", .number),
        CSVColumn("businessFen", "income.businessFen", .number),
        CSVColumn("propertyFen", "income.propertyFen", .number),
        CSVColumn("transferFen", "income.transferFen", .number),
        CSVColumn("otherIncomeFen", "income.otherFen", .number),
        CSVColumn("livingFen", "expenses.livingFen", .number),
        CSVColumn("socialInsuranceFen", "expenses.socialInsuranceFen", .number),
        CSVColumn("employmentCostFen", "expenses.employmentCostFen", .number),
        CSVColumn("medicalFen", "expenses.medicalFen", .number),
        CSVColumn("disabilityFen", "expenses.disabilityFen", .number),
        CSVColumn("otherExpensesFen", "expenses.otherFen", .number),
        CSVColumn("depositsFen", "assets.depositsFen", .number),
        CSVColumn("securitiesFen", "assets.securitiesFen", .number),
        CSVColumn("fundsFen", "assets.fundsFen", .number),
        CSVColumn("commercialInsuranceFen", "assets.commercialInsuranceFen", .number),
        CSVColumn("claimsFen", "assets.claimsFen", .number),
        CSVColumn("otherAssetsFen", "assets.otherFen", .number),
        CSVColumn("members", "members", .json),
        CSVColumn("supporters", "supporters", .json),
        CSVColumn("houses", "assets.houses", .json),
        CSVColumn("vehicles", "assets.vehicles", .json),
        CSVColumn("business", "assets.business", .json),
    ]

    /// A file with income columns declares the income of every row (empty cells: none of that kind).
    public static let declaredBlocks = ["income"]

    public let mapper: CSVRowMapper
    public init(mapper: CSVRowMapper) { self.mapper = mapper }
}
