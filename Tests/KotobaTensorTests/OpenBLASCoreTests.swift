import Testing
@testable import KotobaTensor

/// The OpenBLAS core check: a pre-AVX2 fallback on an AVX2 CPU is replaced by the family that CPU runs, and
/// nothing else is touched.
@Suite struct OpenBLASCoreTests {
    private let avx512 = OpenBLASCore.CPU(avx2: true, avx512: true)
    private let avx2 = OpenBLASCore.CPU(avx2: true, avx512: false)
    private let older = OpenBLASCore.CPU(avx2: false, avx512: false)

    @Test func aFallbackCoreIsReplacedByTheCPUsFamily() {
        // Debian 12's OpenBLAS 0.3.21 on an Emerald Rapids Xeon (model 207) picks Prescott.
        #expect(OpenBLASCore.replacement(for: "Prescott", on: avx512) == "SkylakeX")
        #expect(OpenBLASCore.replacement(for: "Prescott", on: avx2) == "Haswell")
        #expect(OpenBLASCore.replacement(for: "Nehalem", on: avx2) == "Haswell")
        #expect(OpenBLASCore.replacement(for: "Sandybridge", on: avx512) == "SkylakeX")
    }

    @Test func aCoreOpenBLASChoseForAnAVX2CPUIsKept() {
        for core in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"] {
            #expect(OpenBLASCore.replacement(for: core, on: avx512) == nil, "\(core)")
            #expect(OpenBLASCore.replacement(for: core, on: avx2) == nil, "\(core)")
        }
    }

    @Test func aCPUWithoutAVX2KeepsWhateverOpenBLASChose() {
        for core in ["Prescott", "Nehalem", "Sandybridge", "Core2"] {
            #expect(OpenBLASCore.replacement(for: core, on: older) == nil, "\(core)")
        }
    }
}
