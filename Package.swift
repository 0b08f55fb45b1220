// swift-tools-version: 6.0
// scs — the Semantic Consistency Score, in Swift.
//
// Layers, each depending only on those above it:
//   CCodecs          C shims over Debian's libjpeg-turbo, libpng and libwebp
//   CKernels         the GEMM engine: fixed-order fma micro-kernels for AVX-512, AVX2 and portable C
//   SCSImaging       decode to RGB exactly as Pillow does, Pillow's BICUBIC resize, CLIP preprocessing
//   SCSTensor        the few tensor kernels a ViT needs, on CKernels' GEMM; CPU and precision
//   SCSModels        the image towers (CLIP, DINOv2, SigLIP, DINO, DreamSim) and text towers (CLIP, SigLIP) over
//                    shared transformer layers; their tokenizers; weights and checkpoints
//   SCSHub           finding a model in the Hugging Face cache, or downloading it
//   SCSScoring       datasets, the embedding cache (SQLite), the batched pipeline, the score
//   SCSStats         the statistics of comparisons, SciPy's tests and special functions
//   SCSGenerate      generation backends (Replicate, AUTOMATIC1111, ComfyUI, OpenAI): resumable, retried
//   SCSAnnotate      the human-judgment study: SQLite study database, annotation web server, agreement
//   SCSReport        the static HTML report: galleries, similarity heatmaps, the paper's Figure 2 as SVG
//   scs              the command-line tool, a thin layer over the above
import PackageDescription

let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "scs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scs", targets: ["scs"]),
        .library(name: "SCS", targets: ["SCSScoring", "SCSModels", "SCSImaging", "SCSHub", "SCSStats", "SCSGenerate", "SCSAnnotate", "SCSReport"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20")
    ],
    targets: [
        // MARK: C shims
        .target(
            name: "CCodecs",
            path: "Sources/CCodecs",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("turbojpeg"), .linkedLibrary("png16"), .linkedLibrary("webp"), .linkedLibrary("z")]
        ),
        // The CLIP tokenizer's data, compiled into the binary (.incbin in text_data.c, which finds
        // the files through the header search path).
        .target(name: "CTextData", path: "Sources/CTextData", exclude: ["data"], cSettings: [.headerSearchPath("data")]),
        // The GEMM engine: packing, blocking and per-ISA micro-kernels, dispatched at run time.
        // -O2 even in debug builds: the tests run whole networks through it.
        // -ffp-contract=off: no fused multiply-add but the ones written, so every ISA computes the same bits.
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),

        // MARK: Swift layers
        // The numeric layers are optimised in debug builds too (-O): the tests run whole networks
        // and decode and resize full-size photos; unoptimised SIMD code is ~50x slower.
        .target(name: "SCSImaging", dependencies: ["CCodecs"], path: "Sources/Imaging", swiftSettings: optimised),
        .target(name: "SCSTensor", dependencies: ["CKernels"], path: "Sources/Tensor", swiftSettings: optimised),
        // ZIPFoundation: PyTorch checkpoints (torch.save, TorchScript) are zip archives.
        .target(
            name: "SCSModels",
            dependencies: ["SCSTensor", "SCSImaging", "CTextData", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Sources/Models", swiftSettings: optimised),
        .target(
            name: "SCSHub",
            dependencies: [
                // SCSModels: the published models' names and files (DreamSim's variants).
                "SCSModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Release archives (DreamSim's checkpoints) are zips.
                .product(name: "ZIPFoundation", package: "ZIPFoundation")
            ],
            path: "Sources/Hub"
        ),
        .target(
            name: "SCSScoring",
            dependencies: [
                "SCSImaging", "SCSModels", "SCSHub",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto")
            ],
            path: "Sources/Scoring",
            // W1KP's licence, for the distribution's licences/ (scripts/dist.sh); its calibration
            // table is Swift source (scripts/oracle/convert_w1kp_cdf.py).
            exclude: ["ThirdParty"]
        ),
        .target(name: "SCSStats", path: "Sources/Stats"),
        .target(
            name: "SCSGenerate",
            dependencies: [
                "SCSImaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log")
            ],
            path: "Sources/Generate",
            // The built-in prompt suites with their licences (scripts/make_suite_resources.py),
            // embedded in the binary so a copied scs still has them.
            resources: ["partiprompts.tsv", "geneval.jsonl", "paper.txt"].flatMap { data in
                let suite = data.split(separator: ".")[0]
                return [data, "\(suite).LICENSE", "\(suite).SOURCE"].map { Resource.embedInCode("Resources/Suites/\($0)") }
            }
        ),
        .target(
            name: "SCSAnnotate",
            dependencies: [
                // SCSScoring for Dataset and CSV; SCSImaging for decoding and JPEG thumbnails;
                // SCSStats for the bootstrap's generator and percentiles.
                "SCSScoring", "SCSImaging", "SCSStats",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log")
            ],
            path: "Sources/Annotate"
        ),
        .target(name: "SCSReport", dependencies: ["SCSScoring", "SCSStats", "SCSImaging"], path: "Sources/Report"),
        .executableTarget(
            name: "scs",
            dependencies: [
                "SCSScoring", "SCSHub", "SCSModels", "SCSImaging", "SCSTensor", "SCSGenerate", "SCSStats", "SCSAnnotate", "SCSReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            path: "Sources/scs"
        ),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [
                "SCSImaging", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Hummingbird", package: "hummingbird"),
                // AsyncHTTPClient: WebDriver, the browser harness, talks to chromedriver over HTTP.
                .product(name: "AsyncHTTPClient", package: "async-http-client")
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ImagingTests", dependencies: ["SCSImaging", "TestSupport"], path: "Tests/ImagingTests"),
        // The GEMM and elementwise kernels against their definitions (no model involved).
        .testTarget(name: "TensorTests", dependencies: ["SCSTensor"], path: "Tests/TensorTests"),
        .testTarget(name: "ModelTests", dependencies: ["SCSModels", "SCSImaging", "SCSTensor", "TestSupport"], path: "Tests/ModelTests"),
        .target(
            name: "HubStubs",
            dependencies: ["SCSHub", "TestSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/HubStubs"
        ),
        .testTarget(
            name: "HubTests",
            dependencies: ["SCSHub", "HubStubs", "TestSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/HubTests"
        ),
        .testTarget(name: "ScoringTests", dependencies: ["SCSScoring", "SCSModels", "SCSImaging", "TestSupport"], path: "Tests/ScoringTests"),
        .testTarget(name: "StatsTests", dependencies: ["SCSStats", "TestSupport"], path: "Tests/StatsTests"),
        .target(
            name: "GenerateStubs",
            dependencies: ["SCSGenerate", "TestSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/GenerateStubs"
        ),
        .testTarget(
            name: "GenerateTests",
            dependencies: ["SCSGenerate", "SCSImaging", "GenerateStubs", "TestSupport"],
            path: "Tests/GenerateTests"
        ),
        .testTarget(
            name: "AnnotateTests",
            dependencies: [
                "SCSAnnotate", "SCSImaging", "SCSScoring", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift")
            ],
            path: "Tests/AnnotateTests"
        ),
        .testTarget(
            name: "ReportTests",
            dependencies: ["SCSReport", "SCSStats", "SCSScoring", "SCSImaging", "TestSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/ReportTests"
        ),
        .testTarget(
            name: "FuzzTests",
            dependencies: ["scs", "SCSModels", "SCSImaging", "SCSReport", "SCSScoring", "SCSGenerate", "GenerateStubs", "TestSupport"],
            path: "Tests/FuzzTests"
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "scs", "SCSScoring", "SCSModels", "SCSHub", "SCSGenerate", "SCSAnnotate", "GenerateStubs", "HubStubs", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation")
            ], path: "Tests/CLITests")
    ],
    swiftLanguageModes: [.v5]
)
