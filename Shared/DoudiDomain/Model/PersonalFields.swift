// Personal data (个人信息) in the suite's JSON: the field names that name, identify, reach or
// locate a person. One list for every place that strips or hides them — a department record's
// attributes copied into a signal (DeptRecordReading), a ledger difference printed by `doudi
// ledger --diff` or `doudi topics repartition --verify` (LedgerDifference).

public enum PersonalFields {
    public static let names: Set<String> = [
        "name", "idNumber", "phone", "address", "owner", "plate",
        "applicantName", "applicantIdNumber", "applicantPhone",
    ]
}
