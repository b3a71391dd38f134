// What one evaluation of a household yields. `Classifier.Decision` is nested because the module
// already has a `Decision` (a programme's measure, Programs/Programme.swift).

/// The classifier's rules engine; see `Classifier.evaluate`.
public enum Classifier {}

extension Classifier {
    public struct Decision: Sendable, Equatable {
        public var householdId: String
        public var regionCode: String
        public var area: Area
        public var profileVersion: Int
        public var asOf: CivilDate
        /// The primary category: the first that applies in RULES.md order.
        public var category: Category
        /// Every category that applies, in order; the first is `category`.
        public var categories: [Category]
        /// Members taken into dibao alone (单人保, §4.1.2).
        public var singlePersonDibao: [PersonRef]
        /// Every need found, in domain order, whether covered, gated or raised as a warning.
        public var needs: [Need]
        /// The warnings to raise: needs grouped by (domain, disposal).
        public var warnings: [RaisedWarning]
        public var tasks: [WorkTask]
        public var record: DecisionRecord

        public func needs(in domain: Domain) -> [Need] { needs.filter { $0.domain == domain } }
        public func warning(_ domain: Domain, _ disposal: Disposal) -> RaisedWarning? {
            warnings.first { $0.domain == domain && $0.disposal == disposal }
        }
        public func tasks(_ kind: TaskKind) -> [WorkTask] { tasks.filter { $0.kind == kind } }
        /// True when some rule with this id fired.
        public func fired(_ rule: ClassifierRule) -> Bool { record.reasons.contains { $0.rule == rule.rawValue } }
    }

    public struct PersonRef: Sendable, Equatable, Hashable {
        public var personKey: String?
        public var name: String
        public var idNumber: String
        public init(personKey: String?, name: String, idNumber: String) {
            self.personKey = personKey; self.name = name; self.idNumber = idNumber
        }
    }

    /// A warning the ledger should hold open; it becomes a `Warning` with an id when opened.
    public struct RaisedWarning: Sendable, Equatable {
        public var domain: Domain
        public var disposal: Disposal
        public var level: WarningLevel
        public var needs: [Need]
        public var reasons: [Reason]
        /// The region's deadline for this level, so that `dueBy` = opening date + these days.
        public var deadlineDays: Int
    }

    /// The decision record: every rule that fired and the standards used.
    public struct DecisionRecord: Sendable, Equatable {
        public var reasons: [Reason]
        public var standardsVersion: String
        public var standardsPrefix: String
        public var householdSize: Int
        public var perCapitaMonthlyFen: Int64
        public var dibaoStandardFen: Int64
        public var edgeLineFen: Int64
    }
}
