//! Every diagnostic code amxc can emit, with its default severity and the text `amxc explain`
//! prints. Codes are stable: a code is never reused for another meaning.
//!
//! Ranges: `AMX00xx` reading a policy, `AMX01xx` the version matrix, `AMX02xx` names and types,
//! `AMX03xx` findings over the configuration space, `AMX04xx` target profiles and compilation,
//! `AMX05xx` the file system and the command line,
//! `AMX9999` internal errors.

use super::Severity;
use std::fmt;

/// A stable diagnostic code, `AMX` followed by four digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub u16);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AMX{:04}", self.0)
    }
}

impl Code {
    pub fn info(self) -> &'static CodeInfo {
        CODES
            .iter()
            .find(|c| c.code == self)
            .unwrap_or(&CODES[CODES.len() - 1])
    }

    /// Parse `AMX0001`, `amx0001` or `1`.
    pub fn parse(text: &str) -> Option<Code> {
        let t = text.trim();
        let digits = t
            .strip_prefix("AMX")
            .or_else(|| t.strip_prefix("amx"))
            .unwrap_or(t);
        let n: u16 = digits.parse().ok()?;
        CODES.iter().find(|c| c.code.0 == n).map(|c| c.code)
    }
}

/// What a code means, for `amxc explain`.
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub title: &'static str,
    pub meaning: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

/// The text `amxc explain CODE` prints.
pub fn explain(code: Code) -> String {
    let i = code.info();
    let mut s = format!(
        "{} ({}): {}\n\n{}\n",
        i.code,
        i.severity.as_str(),
        i.title,
        i.meaning
    );
    if !i.example.is_empty() {
        s.push_str("\nExample that triggers it:\n\n");
        for line in i.example.lines() {
            s.push_str("    ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str("\nHow to fix it:\n\n");
    s.push_str(i.fix);
    s.push('\n');
    s
}

macro_rules! codes {
    ($( $n:literal $name:ident $sev:ident $title:literal { $meaning:literal } example $ex:literal fix $fix:literal )*) => {
        $( pub const $name: Code = Code($n); )*
        /// All codes, in numeric order; the last is the internal error.
        pub const CODES: &[CodeInfo] = &[
            $( CodeInfo { code: Code($n), severity: Severity::$sev, title: $title, meaning: $meaning, example: $ex, fix: $fix }, )*
        ];
    };
}

codes! {
    1 SYNTAX Error "syntax error"
    { "The policy does not follow the grammar of the .amx language at this point. The message says what was expected there, in words, and points at the token that was found instead." }
    example "amx \"x\" {\n    versions 2007-07-11,\n    title 42\n}"
    fix "Write what the message expects at the marked place; LANGUAGE.md lists every statement."

    2 UNTERMINATED_STRING Error "unterminated string"
    { "A string opened with `\"` or `'` is not closed on the same line. Strings cannot span lines; the diagnostic points where the string opens." }
    example "amx \"x\" {\n    title \"Symantec Mail Security\n}"
    fix "Close the string on the line where it starts; write a line break as `\\n` in a double-quoted string."

    3 UNTERMINATED_COMMENT Error "unterminated block comment"
    { "A `/*` comment is never closed. Block comments nest, so every `/*` inside one needs its own `*/`." }
    example "amx \"x\" {\n    /* services to add later /* nested */\n}"
    fix "Add the missing `*/`, or use `//` comments."

    4 UNCLOSED_BRACE Error "unclosed brace"
    { "A block opened with `{` is never closed before the end of the file." }
    example "amx \"x\" {\n    services {\n        service A\n}"
    fix "Add the missing `}`; the diagnostic also points at a `}` whose indentation suggests where one is missing."

    5 UNEXPECTED_CLOSE Error "unexpected closing brace"
    { "A `}` closes no open block." }
    example "amx \"x\" {\n}\n}"
    fix "Remove the extra `}` or add the `{` it was meant to close."

    6 INVALID_DATE Error "invalid date"
    { "Release versions are calendar dates written `YYYY-MM-DD`; this one does not exist (a month above 12, a day past the end of its month, 29 February in a year that is not a leap year)." }
    example "amx \"x\" {\n    versions 2007-02-30\n}"
    fix "Write the real date of the release."

    7 INVALID_ESCAPE Error "invalid escape sequence"
    { "Double-quoted strings accept the escapes `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{HEX}` only. Windows paths are easier to write as single-quoted literal strings, which have no escapes." }
    example "amx \"x\" {\n    about \"C:\\Program Files\"\n}"
    fix "Write the path as a literal string: 'C:\\Program Files', or double the backslash."

    8 INVALID_UTF8 Error "file is not UTF-8"
    { "Policies, matrices and target profiles are UTF-8 text. The file holds a byte sequence that is not UTF-8 at the reported place." }
    example "(a policy saved in Windows-1252 with an accented character)"
    fix "Save the file as UTF-8."

    9 TOO_DEEP Error "nesting too deep"
    { "Blocks, parentheses, `not` chains or comments nest deeper than amxc accepts (64 levels). The limit keeps the compiler fast and its stack bounded on hostile input; no real policy comes near it." }
    example "amx \"x\" {\n    advise \"a\" when ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((management-ip))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\n}"
    fix "Flatten the condition or the block structure."

    10 TOO_LARGE Error "input too large"
    { "The file is larger than amxc accepts (64 MiB for a policy, 4 MiB for a matrix or target profile)." }
    example "(a 100 MB policy file)"
    fix "Split the policy; a module this large is almost certainly generated by mistake."

    11 STRING_TOO_LONG Error "string too long"
    { "A single string is longer than 65,536 bytes. Windows paths are at most 32,767 characters and service names 256." }
    example "(a string of one million characters)"
    fix "Shorten the string."

    12 DUPLICATE_STATEMENT Error "statement given twice"
    { "A statement that may appear once in its block (such as `title`, `versions`, `applies-to`, or `at` in a task) appears twice. The diagnostic points at the second and names the first." }
    example "amx \"x\" {\n    title \"A\"\n    title \"B\"\n}"
    fix "Keep one; to vary a value by configuration, give each a `when` condition."

    13 MISSING_STATEMENT Error "required statement missing"
    { "A block lacks a statement it needs: a task needs `at` and `run`; a policy needs `versions`." }
    example "amx \"x\" {\n    versions 2007-07-11\n    tasks {\n        task \"update\" { at prestart }\n    }\n}"
    fix "Add the statement the message names."

    14 INVALID_NUMBER Error "number out of range"
    { "An integer or duration is too large, or zero where zero means nothing (a `0s` timeout or period)." }
    example "amx \"x\" {\n    versions 2007-07-11\n    kb 99999999999999999999\n}"
    fix "Write a value in range."

    15 TOO_MANY_FAILURE_ACTIONS Error "more than three failure actions"
    { "The HA product runs up to three failure actions, in order; a fourth would never run." }
    example "amx \"x\" {\n    versions 2007-07-11\n    services {\n        service A { on-failure recover-service, recover-service, log-warning, switchover }\n    }\n}"
    fix "Keep at most three actions."

    16 NOT_A_POLICY Error "file is not a policy"
    { "A command that reads a policy (`*.amx`) was given another kind of file: a version matrix (`*.versions.yaml`), a target profile or other YAML. A policy starts with `amx \"name\" {`." }
    example "amxc check policies/app.versions.yaml"
    fix "Pass the policy; its matrix beside it (`<name>.versions.yaml`) is found by name, or give it with `--matrix`, and target profiles with `--target`/`--targets`."

    100 MATRIX_NOT_FOUND Warning "no version matrix"
    { "No version matrix was given with `--matrix` and none lies beside the policy as `<name>.versions.yaml`. Without it amxc checks syntax and names only: conditions cannot be typed and no configuration is checked." }
    example "amxc check policy.amx   # with no policy.versions.yaml beside it"
    fix "Add the matrix beside the policy or name it with `--matrix`."

    101 MATRIX_SYNTAX Error "version matrix is not valid YAML"
    { "The version matrix could not be read as YAML (including YAML whose aliases would expand beyond amxc's limits)." }
    example "dimensions: { app: [5.0"
    fix "Fix the YAML at the reported line and column."

    102 MATRIX_SCHEMA Error "version matrix does not follow the schema"
    { "A key is unknown, missing, or holds a value of the wrong type. `amxc schema matrix` prints the JSON Schema." }
    example "dimensions:\n  app: { kind: versoin, values: [\"5.0\"] }"
    fix "Correct the key or value the message names."

    103 MATRIX_INCONSISTENT Error "version matrix contradicts itself"
    { "The matrix refers to something it does not declare: a platform or support row naming an unknown dimension or a value outside its domain, a `superseded_by` naming no release, or a version dimension whose value is not a dotted number." }
    example "dimensions:\n  arch: { kind: enum, values: [x86] }\nplatforms:\n  - { arch: x64 }"
    fix "Declare the value in the dimension, or correct the reference."

    104 TOO_MANY_CONFIGURATIONS Error "configuration space too large"
    { "The matrix allows more configurations than amxc enumerates (1,000,000). The message names the dimensions and components that multiply the space." }
    example "(a matrix with 30 optional components: 2^30 component sets)"
    fix "Constrain the space with `platforms` and per-release `supports`, or drop components that no policy condition names."

    200 UNDEFINED_VARIABLE Error "undefined path variable"
    { "A `%Name%` refers to no variable: not a built-in, not declared in `paths { … }`, not a matrix dimension." }
    example "paths { Install = '%ProgramFile%\\App' }"
    fix "Correct the name or declare the variable in `paths`."

    201 CYCLIC_VARIABLE Error "path variable defined in terms of itself"
    { "Path variables refer to each other in a cycle, so none of them has a value. The message names the cycle." }
    example "paths {\n    A = '%B%\\x'\n    B = '%A%\\y'\n}"
    fix "Break the cycle: one of the variables must start from a built-in or an absolute path."

    202 UNKNOWN_DIMENSION Error "unknown dimension"
    { "A condition or `supports` names a dimension the version matrix does not declare. `version` (the release version) is always available." }
    example "advise \"x\" when exchang == 2007"
    fix "Use a dimension the matrix declares, or declare it."

    203 VALUE_NOT_IN_DOMAIN Error "value outside the dimension's domain"
    { "A condition or `supports` compares a dimension with a value the matrix does not list for it. Such a comparison would silently never (or always) hold." }
    example "advise \"x\" when exchange == 2010"
    fix "Use a value the matrix lists, or add it to the matrix."

    204 UNORDERED_COMPARISON Error "ordering on an unordered dimension"
    { "`<`, `<=`, `>` and `>=` need a dimension of kind `version`; this one is an `enum`, whose values have no order." }
    example "advise \"x\" when arch > x86"
    fix "Use `==` or `!=`, or combine values with `or`."

    205 UNKNOWN_COMPONENT Error "unknown component"
    { "`has(…)` names a component the matrix's `components` does not declare." }
    example "advise \"x\" when has(file-av)"
    fix "Use a declared component, or declare it in the matrix."

    206 UNKNOWN_SERVICE Error "unknown service"
    { "`after` names a service the policy does not declare — anywhere, or in some configurations: where a service is declared under a condition, an `after` that holds elsewhere names nothing there, and the start order it meant is lost." }
    example "services {\n    service B { after A }\n}"
    fix "Declare the service or correct its name."

    207 UNKNOWN_TASK Error "unknown or unsuitable task"
    { "`on-failure task \"…\"` names no task, or a task that is not of kind `rule-action` (only rule-action tasks run as failure actions)." }
    example "services {\n    service A { on-failure task \"notify\" }\n}"
    fix "Declare a task with `at rule-action`, or correct the name."

    208 UNKNOWN_RELEASE Error "unknown release version"
    { "A release version used in an `exception`, `applies-to` or a `version` condition is not in the policy's `versions`, or `versions` lists a release the matrix does not know." }
    example "versions 2007-07-11\nexception 2007-03-27 { note \"x\" }"
    fix "List the release in `versions` (and in the matrix), or correct the date."

    209 INVALID_PATTERN Error "invalid filter pattern"
    { "A file pattern must be an absolute Windows path (a drive letter or a variable that resolves to one); `**` must be a whole path segment; a registry pattern must start with a hive (`HKLM`, `HKCU`, `HKCR`, `HKU`, `HKCC` or a long form). Characters Windows forbids in paths (`\"`, `<`, `>`, `|`, control characters) are rejected, as are `..` segments, UNC and device prefixes." }
    example "data {\n    files include 'Program Files\\App\\**'\n}"
    fix "Write an absolute pattern such as '%ProgramFiles%\\App\\**'."

    210 INVALID_TASK_SIDE Error "task runs on a side its kind does not have"
    { "Network configuration tasks run on the `primary` or `secondary` server. Pre/Post Start and Pre/Post Stop tasks run on the server becoming or leaving active, so only `on active` fits them. The other kinds run on `active`, `passive` or `both`." }
    example "task \"ip\" {\n    at network\n    on active\n    run 'C:\\ip.cmd'\n}"
    fix "Use `primary`/`secondary` for network tasks, `active` for start and stop tasks, and `active`/`passive`/`both` for the others."

    211 MATRIX_MISMATCH Warning "matrix belongs to another module"
    { "The matrix's `amx` key names a different module than the policy's `amx` statement." }
    example "amx \"sql-server\" { … }   # with a matrix whose amx is symantec-mail-security"
    fix "Point `--matrix` at the module's own matrix."

    212 UNUSED_VARIABLE Warning "path variable never used"
    { "A variable declared in `paths { … }` is used nowhere: in no data pattern, service or display name, `after`, task program or argument, nor in another variable's definition. It is usually left over from an edit, or its uses are misspelt." }
    example "paths {\n    Logs = '%Install%\\logs'   # no pattern writes %Logs%\n}"
    fix "Remove the definition, or use the variable where it was meant to be used."

    213 VARIABLE_TOO_FAR Error "path variable expands too far"
    { "Expanding a path variable nests variables in variables more than 64 deep, or gives a value longer than 32 KiB (variables that each use the next twice double in length at every level). No real location is that long; amxc stops instead of expanding without end." }
    example "paths {\n    A = '%B%%B%'\n    B = '%C%%C%'\n    # … twenty levels more\n}"
    fix "Define the variables from absolute paths or built-ins, each using another at most a few levels deep."

    214 INVALID_ALLOW Error "allow names a code that cannot be acknowledged"
    { "`allow AMXnnnn because \"…\"` acknowledges a documented known issue: a finding over the configuration space (an AMX03xx code) that the policy keeps on purpose, in the scope the statement stands in. This one names a code amxc does not have, or one that is not such a finding (a syntax, name or type error, a matrix or target problem, AMX0313, a policy that applies to no configuration, or AMX0318, an `allow` that acknowledges nothing) and cannot be acknowledged." }
    example "exception 2007-03-27 {\n    allow AMX0001 because \"the old syntax\"\n}"
    fix "Name the AMX03xx code of the finding to acknowledge (`amxc explain CODE` says what each means), or fix what the code reports."

    300 DUPLICATE_SERVICE Error "service declared twice in one configuration"
    { "Two `service` statements with the same name are active together in at least one configuration. A service may be declared more than once only under conditions that never hold together (like the seed's `SAVFMSESpamStatsManager`, renamed between application versions)." }
    example "service S \"Spam Statistics\"\nservice S \"Utility Service\""
    fix "Give the declarations conditions that exclude each other, or remove one."

    301 SERVICE_CYCLE Error "service start order has a cycle"
    { "`after` relations form a cycle, so no start order exists. The message names the cycle." }
    example "service A { after B }\nservice B { after A }"
    fix "Remove one `after` of the cycle."

    302 EXCLUSION_NOT_EFFECTIVE Error "exclusion lies in no inclusion"
    { "The HA product reports an exclusion outside every inclusion as NotSubsetOfInclusion and ignores it: it excludes nothing." }
    example "files include '%Install%\\data\\**'\nfiles exclude '%Install%\\logs\\**'"
    fix "Remove the exclusion or include the folder it narrows."

    303 REDUNDANT_INCLUSION Warning "inclusion covered by another"
    { "Every path this inclusion matches is matched by another inclusion; the product reports it as Covered and uses the superset." }
    example "files include '%Install%\\**'\nfiles include '%Install%\\logs\\**'"
    fix "Remove the covered inclusion (or narrow the covering one)."

    304 VETOED_INCLUSION Error "inclusion the product vetoes"
    { "The product refuses (vetoes) an inclusion of a drive root (`C:\\**`), of the Windows system folder, or of the HA product's own install folder, even when an exclusion would remove the offending part." }
    example "files include 'C:\\**'"
    fix "Include the application's own folders instead."

    305 COVERS_UNPROTECTED Error "inclusion covers data declared unprotected"
    { "The policy states that some data must not be replicated (`unprotected … because …`), yet an inclusion replicates part of it. Inside an `exception` this is allowed: that is what the exception records." }
    example "files include '%CommonProgramFiles%\\**'\nunprotected '%CommonProgramFiles%\\Defs\\**' because \"updated on each server\""
    fix "Narrow the inclusion, add an exclusion for the unprotected data, or move the inclusion into an exception."

    306 EXCLUSION_UNSUPPORTED Error "exclusion filters on a product generation without them"
    { "Heartbeat 5.2 and earlier have inclusion filters only; an exclusion would be ignored and the excluded data replicated." }
    example "files exclude '%Install%\\logs\\debug\\**'   # in a configuration with heartbeat 5.2"
    fix "Condition the exclusion on `heartbeat >= 5.3`, or restructure the inclusions so no exclusion is needed there."

    307 SUPPORTS_CONTRADICTED Error "supports claim the matrix contradicts"
    { "The policy claims support for a dimension value that no release of the matrix supports, or that no platform combination allows." }
    example "supports exchange 2003, 2010"
    fix "Correct the claim or the matrix."

    308 SUPERSEDED_RELEASE Note "superseded release version"
    { "The matrix marks this release as superseded; the advisory names its successor." }
    example "versions 2007-03-27, 2007-07-11   # 2007-03-27 superseded_by 2007-07-11"
    fix "Nothing to fix in the policy; plan upgrades of servers that run the old release."

    309 ADVISORY Note "advisory"
    { "An `advise` statement of the policy holds in at least one configuration; it is shown so that reviewers see it." }
    example "advise \"upgrade to 2007-07-11\" when version == 2007-03-27"
    fix "Nothing to fix; the advisory also appears in the compiled summary."

    310 RUNNING_ON_BOTH Warning "service runs on the active and the passive"
    { "A protected service running on the passive can lock replicated files and stop synchronisation." }
    example "service A { passive running }"
    fix "Keep the service stopped on the passive unless it never touches protected data."

    311 CONTRADICTION Error "contradictory statements outside an exception"
    { "The same pattern is both included and excluded (or both included and declared unprotected) in one configuration of the base policy. Only an `exception` may contradict the base." }
    example "files include '%Install%\\x\\**'\nfiles exclude '%Install%\\x\\**'"
    fix "Keep one of the two, or move the override into an exception."

    312 FAILURE_ACTIONS_DIFFER Warning "dependent services with different failure actions"
    { "The product expects a service and the services it depends on to have the same failure actions." }
    example "service A { on-failure switchover }\nservice B { after A }"
    fix "Give both services the same `on-failure` list."

    313 NO_CONFIGURATION Error "policy applies to no configuration"
    { "No configuration of the matrix satisfies the policy's releases and `supports` claims, so nothing can be checked or compiled." }
    example "versions 2007-07-11\nsupports exchange 2010   # the matrix has no such platform"
    fix "Correct `versions`, `supports` or the matrix."

    314 SNAPSHOT_UNPROTECTED Error "snapshot holds data that is not protected"
    { "A `snapshot include` covers data that, in some configuration, is not replicated (no inclusion that holds there covers it) or is declared `unprotected`. The Data Rollback Module snapshots the protected application data; a snapshot of other data does not belong to the module." }
    example "files include '%VirusDefs%\\**' when not has(av)\nsnapshot include '%VirusDefs%\\**'   # also where av is present"
    fix "Give the snapshot the same condition as the inclusion that protects its data, or include the data."

    315 DANGEROUS_INCLUSION Warning "inclusion replicates what belongs to each server"
    { "The engine accepts this inclusion, but it reaches into what belongs to each server rather than to the application: the Windows folder, the paging or hibernation file, Volume Shadow Copy storage, the recycle bin, the server's system and service configuration (HKLM\\SYSTEM), the whole of HKLM\\SOFTWARE, the account databases (SAM, SECURITY) or user hives. Replicating it overwrites the passive's own copy." }
    example "registry include 'HKLM\\SYSTEM\\CurrentControlSet\\**'"
    fix "Include the application's own folders and keys; configure protected services in the services block."

    316 SWITCHOVER_BUDGET Error "worst-case switchover exceeds the policy's budget"
    { "The policy says how long a managed switchover may take (`switchover within DURATION`). In this configuration its worst case — network tasks, pre-stop tasks, every protected service stopped, post-stop tasks, then pre-start tasks, every service started and post-start tasks, each at its timeout (300 s where the policy gives none) — is longer. The labels show the longest steps; `amxc plan` shows them all." }
    example "switchover within 5m\nservices {\n    service Db { start-timeout 10m }\n}"
    fix "Shorten the longest steps' timeouts, or give these configurations a larger budget with `switchover within … when …`."

    317 WRITTEN_ON_PASSIVE Error "data written on the passive is replicated"
    { "The application (`writes … on passive` in the application block) or a task that runs on the passive (`writes` in the task) writes data there that an inclusion replicates in the same configuration. Replication applies the active's changes over files the passive is writing: the product reports apply exceptions, because the files are in use. The finding names the writer, the inclusion and a configuration where both hold. Where the policy documents it as a known issue of one release, acknowledge it in that release's exception with `allow AMX0317 because \"…\"`: it is then listed in summary.md and `amxc doc` instead of failing the check." }
    example "application \"Mail Security\" {\n    writes '%VirusDefs%\\**' on passive when management-ip\n}\ndata {\n    files include '%VirusDefs%\\**'\n}"
    fix "Declare the data `unprotected` where it is written on the passive, condition the inclusion on the configurations where nothing writes it there, or — for a documented known issue — acknowledge it with `allow AMX0317 because \"…\"` in the exception that has it."

    318 UNUSED_ALLOW Warning "allow acknowledges no finding"
    { "An `allow AMXnnnn` statement acknowledges a finding, but no finding of that code arises in any configuration of its scope (the whole policy, or the configurations where its exception applies). Like a linter's expectation that is no longer met, it is left over from a fix or names the wrong code; left in place it would hide a later finding nobody has reviewed." }
    example "exception 2007-03-27 {\n    allow AMX0317 because \"apply exceptions during definition updates\"\n    # but nothing written on the passive is replicated in 2007-03-27\n}"
    fix "Remove the statement, or correct its code."

    319 DISABLED_MANAGED Error "a managed service that must run is disabled"
    { "The HA product starts a managed service on the server that takes the role the policy wants it running in. With `startup disabled` Windows refuses every start (error 1058, ERROR_SERVICE_DISABLED): each switchover would fail at that service. A disabled service the product never starts (`active stopped` and `passive stopped`) or does not manage (`manage no`) is fine." }
    example "service Indexer \"Indexer\" {\n    startup disabled   # but the active runs it\n}"
    fix "Use `startup manual` (the product starts it), or `manage no` when Windows, not the HA product, owns the service."

    320 AUTOMATIC_STOPPED_ON_PASSIVE Warning "an automatic service the passive must not run"
    { "`startup automatic` makes Windows start the service whenever the server boots, but the policy wants it stopped on the passive. After a reboot of the passive the service runs there until the next switchover, and may lock replicated files." }
    example "service Agent \"Agent\" {\n    startup automatic\n}"
    fix "Use `startup manual` and let the HA product start the service on the active, or say `passive running` if it belongs on both servers."

    321 DELAYED_START_UNAVAILABLE Error "a delayed start on Windows Server 2003"
    { "`startup delayed-auto` (an automatic start a little after the others) came with Windows Server 2008: on Windows Server 2003 `sc config … start= delayed-auto` fails, so configure would fail on every server of such a configuration." }
    example "// matrix: os 2003 and 2008\nservice Indexer \"Indexer\" {\n    startup delayed-auto\n}"
    fix "Condition the statement on `os >= 2008` and say `startup automatic` (or manual) otherwise."

    322 WOW64_KEY_ON_X86 Warning "a Wow6432Node key on a 32-bit server"
    { "A registry rule names `HKLM\\SOFTWARE\\Wow6432Node\\…` itself, and holds in configurations whose `arch` is x86. `Wow6432Node` is the 64-bit registry's view for 32-bit programs: x86 Windows has no such key, so the rule protects (or excludes) nothing there. A 32-bit application names its keys `HKLM\\SOFTWARE\\X`; with `bits 32` amxc moves them under `Wow6432Node` on x64 only. The finding names the x86 configurations where the rule holds." }
    example "registry include 'HKLM\\SOFTWARE\\Wow6432Node\\Vendor\\**'   # supports arch x86, x64"
    fix "Write the key as the application names it and declare `bits 32`, or condition the rule on `arch == x64`."

    400 TARGET_SYNTAX Error "target profile is not valid YAML"
    { "The target profile could not be read as YAML." }
    example "server: [EXCH01"
    fix "Fix the YAML at the reported place."

    401 TARGET_SCHEMA Error "target profile does not follow the schema"
    { "A key is unknown or missing, a dimension of the matrix has no value, or a value has the wrong type. `amxc schema target` prints the JSON Schema." }
    example "server: EXCH01\nversion: 2007-07-11\narhc: x64"
    fix "Correct the key the message names."

    402 TARGET_VALUE Error "target value outside the matrix"
    { "A dimension value, component or release version of the target profile is not one the matrix declares." }
    example "exchange: \"2010\""
    fix "Use a value the matrix lists."

    403 TARGET_UNSUPPORTED Error "release does not support this server"
    { "The release installed on the server does not support one of the server's dimension values, or the policy does not claim to support it." }
    example "version: 2007-03-27\napp: \"6.0\"   # 2007-03-27 supports app 5.0 only"
    fix "Install a release that supports the server, or correct the profile."

    404 TARGET_PLATFORM Error "platform combination does not exist"
    { "The server's values form no platform combination the matrix lists (for example Exchange 2003 on x64)." }
    example "exchange: \"2003\"\narch: x64"
    fix "Correct the profile."

    405 MISSING_DRIVE Error "filter on a drive the server lacks"
    { "A filter resolves to a drive letter the server does not have. The real product would reset its whole filter list to `C:\\Protected\\**`." }
    example "paths: { Install: 'F:\\App' }   # with drives: [C, E]"
    fix "Override the path for this server or add the drive to its profile."

    406 UNSAFE_VALUE Error "value cannot be written into a script safely"
    { "A name, path or argument that reaches a generated script holds a character that cannot exist there on Windows (a `\"` or control character in a path, a line break in a name) or cannot be quoted safely for the shell." }
    example "service \"A\\nB\""
    fix "Remove the character; Windows itself does not allow it."

    407 INVALID_SERVER_NAME Error "server name is not a plain folder name"
    { "The server name becomes an output folder; `..`, path separators, reserved device names (`CON`, `NUL`, …) and empty names are rejected." }
    example "server: ../etc"
    fix "Use the server's computer name."

    408 TARGET_MISMATCH Error "target profile is for another module"
    { "The profile's `amx` key names a different module than the policy." }
    example "amx: sql-server   # compiling symantec-mail-security"
    fix "Compile the profile with the module it names."

    409 STALE_OUTPUT Error "compiled outputs are stale"
    { "`amxc compile --check` found outputs in the output folder that differ from what the policy compiles to now; the diff is printed." }
    example "(a policy changed after its filters were compiled and committed)"
    fix "Run `amxc compile` without `--check` and commit the result."

    410 DUPLICATE_SERVER Error "server described by two profiles"
    { "Two target profiles of one fleet name the same server (names compare without regard to case, as Windows does). A server's name is its output folder, so the second profile would overwrite the first one's outputs." }
    example "# EXCH01.yaml and EXCH01-copy.yaml both say:\nserver: EXCH01"
    fix "Keep one profile per server; rename the server in the other profile, or remove it."

    411 UNKNOWN_PATH_OVERRIDE Error "target overrides a path variable the policy does not have"
    { "A key under a target profile's `paths:` names no path variable of the policy (nor a built-in such as `ProgramFiles`). The override would change nothing: the filters would silently use the policy's own location, usually because of a typo." }
    example "paths:\n  Instal: 'E:\\Program Files\\App'   # the policy defines Install"
    fix "Spell the key as the policy's `paths { … }` declares it; the message suggests the closest name."

    412 NOT_MAPPED Error "construct the server's engine does not carry out"
    { "The server runs an HA engine that carries out only part of the policy model: Windows Server Failover Clustering replicates no files, takes no snapshots, runs no tasks and copies registry subtrees whole (`docs/engines.md` has the whole table). Each construct that the engine would drop or only approximate is an error, so that nothing is lost unnoticed; with `--allow-lossy` it is a warning and the server's summary lists it." }
    example "// target: engine: wsfc\nfiles include '%Install%\\Data\\**'"
    fix "Compile the server for the replication engine, condition the construct away for it, or accept the loss with `--allow-lossy`."

    413 OWN_CLUSTER_ROLE Error "service Microsoft clusters only as its own role"
    { "Microsoft supports some products on a failover cluster only through their own clustered installation: SQL Server as a failover cluster instance installed by SQL Server Setup, Exchange through its own high availability. Made a Generic Service resource, such a service runs unsupported: its data, name and registration do not move with it. amxc refuses to build that role." }
    example "// target: engine: wsfc\nservice MSSQLSERVER \"SQL Server (MSSQLSERVER)\""
    fix "Install the product's own clustered role (the diagnostic names it) and compile this policy for the replication engine, or leave the service out of the policy for clustered servers."

    500 IO Error "a file or folder cannot be read or written"
    { "A file amxc had to read (a policy, a matrix, a target profile, a path listing) or write (an output folder, a formatted policy) could not be opened, read or written. The message names the path and what the operating system said." }
    example "amxc check policies/missing.amx"
    fix "Check that the path exists, is a file or folder as the command expects, and that amxc may read it (or write there)."

    501 USAGE Error "the command cannot run as given"
    { "The command line is well-formed but asks for something amxc cannot do: a folder with no policies in it, two folders with no compiled outputs to compare, … The message says what was missing." }
    example "amxc check empty-folder/"
    fix "Follow the help the message gives; `amxc help COMMAND` lists each command's arguments."

    502 LISTING_ENCODING Error "a listing cannot be decoded"
    { "A path listing given to `coverage` is read by its byte order mark (UTF-8, UTF-16LE as PowerShell 5.1's `>` writes it, UTF-16BE), else as UTF-8, else as Windows-1252 (what `dir /s /b > file` writes on most Western systems). This one is none of them: a UTF-16 file with an odd number of bytes or an unpaired surrogate, a file marked UTF-8 that is not, or (with `--code-page`) a byte the OEM code page named does not have." }
    example "amxc coverage app.amx --target T.yaml --paths listing.txt   # listing.txt truncated mid-character"
    fix "Save the listing again as UTF-8 or UTF-16 with a byte order mark (e.g. `dir /s /b > listing.txt` in cmd, or `Get-ChildItem -Recurse -Name | Out-File -Encoding utf8`)."

    503 EVIDENCE_LINE Warning "a line of evidence cannot be read"
    { "`amxc discover` reads `reg export` files, Process Monitor CSV exports, `dir /s /b` listings and `sc` output as Windows writes them. A line it cannot read (a CSV row with fewer fields than the header, a `.reg` line that is neither a key nor a value, a listing line that is no absolute path) is named with its file and line and left out; the rest is read. At most 20 lines are named per file." }
    example "amxc discover --name app --release 2021-06-15 --procmon trace.csv   # trace.csv: a row cut short"
    fix "Export the evidence again (Process Monitor: File > Save, CSV; `reg export KEY FILE`; `dir /s /b > FILE`), or ignore the warning when the lines named do not matter."

    504 SETTINGS Warning "a configuration file cannot be read"
    { "`.amxc.yaml`, the nearest one in a policy's folder or above (up to the repository's root), gives a repository's own severities: `severity: { AMX0320: error }` and `ignore: [AMX0308]`. Only warnings and notes of checking can be changed — an error stays an error, since it stops a compile whose outputs would be wrong — and codes of reading and usage are not findings. This file is not valid YAML, has an unknown key, a code that is not amxc's or cannot be changed, or a severity other than `error`, `warning` or `note`; it then changes nothing." }
    example "severity: { AMX0302: note }   # AMX0302 is an error"
    fix "Correct the entry the finding points at; acknowledge one finding with its reason with `allow` in the policy instead."

    600 SERVICE_DRIFT Error "a service differs from what the policy compiles to"
    { "`amxc verify --services` reads what a server's services are (`sc qc`, `sc qfailure`, `sc queryex`) and finds a managed service that is missing, starts otherwise than `configure` sets, is recovered by Windows (the HA engine handles failures), or depends on a protected service the policy starts after it. A `manage no` service's own settings are never drift." }
    example "amxc verify policy.amx --target SRV01.yaml --services sc.txt   # SMSMSE: START_TYPE 2 AUTO_START"
    fix "Run the server's `configure` script again, or correct the policy; the finding points at the capture's line."

    601 FILTER_DRIFT Error "the product's filters differ from the compiled filter set"
    { "`amxc verify --filters` reads the filter lists as copied from the Management Client (Data: File Filters, Registry Filters) and finds a filter of `filters.yaml` that is missing or shown Not Effective, or a filter the policy does not have." }
    example "amxc verify policy.amx --target SRV01.yaml --filters filters.txt   # an inclusion entered by hand"
    fix "Enter the filters as `filters.yaml` lists them (docs/deploy.md), remove the extra ones, or change the policy."

    602 REGISTRY_DRIFT Error "the server's registry differs from the protected keys"
    { "`amxc verify --reg` reads a `reg export` of the server and finds a registry inclusion that covers no key the server has (it protects nothing there), or a key under the application's own key of the registry that no filter covers (it is not replicated)." }
    example "amxc verify policy.amx --target SRV01.yaml --reg app.reg   # HKLM\\SOFTWARE\\Vendor\\App2 exists, only App is included"
    fix "Export the application's whole key, add an inclusion (or declare the key `unprotected` with the reason), or correct the pattern or the server's profile."

    603 CLUSTER_DRIFT Error "the cluster's role differs from the role the policy compiles to"
    { "`amxc verify --cluster` reads the role's resources as PowerShell lists them (`Format-List`, with the properties docs/deploy.md's capture command adds) and finds a resource of the policy that is missing, of another type or role, for another service, with another restart policy (RestartAction, RestartThreshold, RestartPeriod, PendingTimeout), missing a dependency or carrying one the policy does not list, without a registry checkpoint the policy protects or with one it does not, with other possible owners than `cluster: nodes`, or a resource made for the policy that it no longer lists. What the capture lacks is not compared (a note names it)." }
    example "amxc verify policy.amx --target FMS01.yaml --cluster role.txt   # RestartThreshold : 3, the policy says 1"
    fix "Run cluster.ps1 (or cluster.cmd) again on a node of the cluster, remove what the policy does not list, or correct the policy; the finding points at the capture's line."

    700 TEST_FILE Error "a policy test file cannot be read"
    { "`amxc test` reads test files (`NAME.amxtest.yaml`, see docs/testing.md): a mapping with `policy`, an optional `matrix` and `tests`, each test a `name`, a `target` profile or a `configuration`, and assertions (`replicated`, `excluded`, `unprotected`, `outside`, `services`, `not_services`, `starts_before`, `findings`, `no_findings`). This one is not valid YAML, has an unknown key, a test without a server or without assertions, or a code that is not amxc's. The file is not run." }
    example "amxc test policies/   # app.amxtest.yaml: a test with `replicate:` (for `replicated`)"
    fix "Correct the key or value the finding points at; docs/testing.md gives the format."

    701 TEST_FAILED Error "a policy test does not hold"
    { "An assertion of an `amxc test` file does not hold for its server: a path is replicated, excluded, unprotected or outside every filter other than asserted (the rule that decides it is named), a service is (not) protected, a service does not start before another, or a finding is (not) reported. The finding points at the assertion's line; the test's name is in a note." }
    example "amxc test policies/   # `C:\\App\\Temp\\x.tmp` is replicated on EXCH01, not excluded"
    fix "Correct the policy so that the assertion holds, or the assertion if the policy is right; `amxc explain-path` shows how one path is decided."

    9999 INTERNAL Error "internal error"
    { "amxc reached a state it considers impossible. This is a bug in amxc, not in your input." }
    example ""
    fix "Please report it with the input that triggered it."
}
