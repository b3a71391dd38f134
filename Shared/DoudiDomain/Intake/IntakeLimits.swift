// Plausibility bounds of the form: far above any real low-income household, they catch
// hostile values and gross slips (digits pasted twice) without second-guessing real ones.

public enum IntakeLimits {
    /// Annual flows — income kinds, expense kinds, a supporter's annual support, a business's
    /// annual revenue: 10^11 fen = 1,000,000,000 yuan.
    public static let annualFenMax: Int64 = 100_000_000_000
    /// Monthly flows — a member's monthly income: 10^9 fen = 10,000,000 yuan.
    public static let monthlyFenMax: Int64 = 1_000_000_000
    /// Stocks — deposits, securities, funds, insurance, claims, other assets, a vehicle's price,
    /// a business's registered capital: 10^12 fen = 10,000,000,000 yuan.
    public static let assetFenMax: Int64 = 1_000_000_000_000
    /// `dept.record.v1` `amountFen`: same as an annual flow.
    public static let recordFenMax: Int64 = annualFenMax

    /// A house's floor area, square metres (exclusive lower bound 0).
    public static let houseAreaM2Max: Double = 100_000

    public static let memberCount = 1...30
    public static let supportersMax = 20
    public static let housesMax = 50
    public static let vehiclesMax = 50
    public static let businessesMax = 20
    public static let hardshipReasonsMax = 20
    public static let attributesMax = 50

    /// Characters (grapheme clusters) after normalisation.
    public static let nameLengthMax = 50
    public static let addressLengthMax = 200
    /// Relation, kind, nature, source, collectedBy, disability kind.
    public static let shortTextLengthMax = 50
    public static let plateLengthMax = 20
    public static let codeLengthMax = 64
    public static let idLengthMax = 128
    public static let attributeValueLengthMax = 500

    /// Stated age on the form; the derived age must be within ±`statedAgeTolerance`.
    public static let statedAge = 0...150
    public static let statedAgeTolerance = 1
    public static let disabilityGrade = 1...4

    /// Dates of the form (acquisition, purchase, collection) cannot precede this.
    public static let earliestDate = CivilDate(year: 1900, month: 1, day: 1)!
    /// Dates may run this many days past the as-of date: collectors in UTC+8 submit before the
    /// server's UTC midnight.
    public static let futureToleranceDays = 1
}
