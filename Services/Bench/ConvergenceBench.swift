// What convergence (RULES.md "Convergence") costs the classifier's engine: a household's decisions
// are a replay of its inputs in fact time (HouseholdReplay), not an evaluation of whichever profile
// arrived last. Three ways over the same synthetic population, six monthly registry points each:
// (1) evaluate each profile as it arrives, keeping nothing (the engine before convergence);
// (2) the history advanced in place, inputs in fact-time order (the usual live case);
// (3) the same inputs newest first: every input is late and replays the household from its inputs.
import DoudiDomain

/// Microseconds of CPU per household (one core, best of `rounds`) for (1), (2) and (3).
func convergenceBench(households: Int = 2_000, points: Int = 6, rounds: Int = 3) -> (stateless: Double, inOrder: Double, reversed: Double) {
    let inputs: [[ClassifierInput]] = (0..<households).map { i in
        (0..<points).map { k in
            var p = syntheticHousehold(i)
            p.version = k + 1
            // Income moves month to month, so that warnings open, change and resolve along the way.
            p.income.wagesFen = p.income.wagesFen * Int64(4 + (k * 3 + i) % 5) / 6
            p.asOf = "2026-\(String(format: "%02d", 4 + k))-01T09:00:00+08:00"
            return ClassifierInput(.profile(p), time: FactTime(p.asOf!)!)
        }
    }
    let clockDay = CivilDate(iso: "2026-12-30")
    var checksum = 0
    func best(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            body()
            best = min(best, BenchSupport.seconds(.now - start))
        }
        return best * 1e6 / Double(households)
    }
    let stateless = best {
        for household in inputs {
            for input in household {
                guard case .profile(let p) = input.kind else { continue }
                let d = Classifier.evaluate(profile: p, context: .empty, standards: .defaults, asOf: input.time.date!)
                checksum &+= d.warnings.count
            }
        }
    }
    // As the classifier folds a household's inputs (HouseholdReplay.fold: in place, the last
    // point again, or a replay).
    func fold(_ order: [ClassifierInput]) -> Int {
        var received: [ClassifierInput] = []
        var f = HouseholdFold(history: HouseholdHistory(householdId: "h"))
        for input in order {
            received.append(input)
            f = HouseholdReplay.fold(f, added: [input], stored: { received }, householdId: "h", standards: .defaults, clockDay: clockDay).0
        }
        return f.history.openWarnings.count
    }
    let inOrder = best { for household in inputs { checksum &+= fold(household) } }
    let reversed = best { for household in inputs { checksum &+= fold(household.reversed()) } }
    precondition(checksum > 0, "the synthetic population raised no warning")
    return (stateless, inOrder, reversed)
}
