//! From pest's concrete tree to the typed AST: unescapes strings, validates dates and numbers,
//! pushes block conditions into items, and reports statements given twice or missing.
//! It collects every problem rather than stopping at the first.

use super::grammar::Rule;
use super::strings;
use crate::ast::keywords;
use crate::ast::*;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use rustc_hash::FxHashMap;

type P<'i> = Pair<'i, Rule>;

pub struct Builder {
    pub file: FileId,
    pub diags: Vec<Diagnostic>,
    /// Where the parsed text starts in the file (a data body chunk starts inside it).
    base: usize,
    /// Data bodies parsed on their own, by the offset of their first byte: their items and
    /// the problems found building them.
    prebuilt: FxHashMap<usize, (Vec<Item<DataRule>>, Vec<Diagnostic>)>,
    /// Whether an exception's body is being built (its services blocks inherit the base's
    /// defaults, not the other way round).
    in_exception: bool,
    /// The base's `services` block defaults (`startup`, `on-failure`), which every service an
    /// exception declares starts with too.
    base_startup: Vec<Item<Startup>>,
    base_on_failure: Vec<Item<Vec<FailureAction>>>,
}

/// Children that carry meaning: no keywords, separators or braces.
fn parts<'i>(p: P<'i>) -> Vec<P<'i>> {
    meaningful(p).collect()
}

/// [`parts`] without collecting them (for statements built by the hundred thousand).
fn meaningful<'i>(p: P<'i>) -> impl Iterator<Item = P<'i>> {
    p.into_inner().filter(|c| {
        !matches!(c.as_rule(), Rule::sep | Rule::open | Rule::close)
            && !super::keywords::is_keyword(c.as_rule())
    })
}

/// The language bounds `on-failure` by what the engines run (three, in order).
const MAX_FAILURE_ACTIONS: usize = crate::engine::neverfail::MAX_FAILURE_ACTIONS;

impl Builder {
    pub fn new(file: FileId) -> Self {
        Builder {
            file,
            diags: Vec::new(),
            base: 0,
            prebuilt: FxHashMap::default(),
            in_exception: false,
            base_startup: Vec::new(),
            base_on_failure: Vec::new(),
        }
    }

    /// A builder for text that starts at `base` in the file.
    pub fn at(file: FileId, base: usize) -> Self {
        Builder {
            base,
            ..Builder::new(file)
        }
    }

    /// Hand over the items of data bodies parsed on their own (keyed by body offset).
    pub fn with_bodies(
        mut self,
        bodies: FxHashMap<usize, (Vec<Item<DataRule>>, Vec<Diagnostic>)>,
    ) -> Self {
        self.prebuilt = bodies;
        self
    }

    fn span(&self, p: &P) -> Span {
        Span::new(
            self.base + p.as_span().start(),
            self.base + p.as_span().end(),
        )
    }

    /// The statements of one chunk of a data body (rule `data_items`), without the block's
    /// condition, which [`Builder::policy`] adds when it reaches the block.
    pub fn data_items(&mut self, p: P) -> Vec<Item<DataRule>> {
        parts(p)
            .into_iter()
            .filter(|c| c.as_rule() != Rule::EOI)
            .filter_map(|c| self.data_rule(c, None))
            .collect()
    }

    /// The value a word of the grammar stands for. The grammar admits only the table's
    /// words, so a miss is a bug in amxc, reported as such.
    fn word<T: Clone + PartialEq>(&mut self, table: &keywords::Words<T>, p: &P) -> Option<T> {
        let v = table.value(p.as_str());
        if v.is_none() {
            let sp = self.span(p);
            self.error(
                Diagnostic::new(
                    codes::INTERNAL,
                    format!(
                        "internal error: `{}` has no meaning as {}",
                        p.as_str(),
                        table.rule
                    ),
                )
                .at(self.file, sp, "here")
                .with_help("please report this with the policy that caused it"),
            );
        }
        v
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn duplicate(&mut self, what: &str, first: Span, second: Span) {
        let d = Diagnostic::new(
            codes::DUPLICATE_STATEMENT,
            format!("`{what}` is given twice"),
        )
        .at(self.file, second, "given again here")
        .with_label(self.file, first, "first given here")
        .with_help("keep one of them");
        self.error(d);
    }

    /// Set a once-only slot, reporting a duplicate.
    fn once<T>(&mut self, slot: &mut Option<Item<T>>, what: &str, item: Item<T>) {
        match slot {
            Some(first) => {
                let first = first.span;
                self.duplicate(what, first, item.span);
            }
            None => *slot = Some(item),
        }
    }

    pub fn policy(&mut self, file_pair: P) -> Option<Policy> {
        let amx = file_pair.into_inner().find(|p| p.as_rule() == Rule::amx)?;
        let amx_span = self.span(&amx);
        let mut it = parts(amx).into_iter();
        let id = self.name(it.next()?);
        let mut policy = Policy {
            file: self.file,
            span: amx_span,
            id,
            title: None,
            application: None,
            kb: None,
            about: None,
            versions: None,
            supports: Vec::new(),
            applies_to: None,
            switchover: Vec::new(),
            base: Body::default(),
            exceptions: Vec::new(),
        };
        for p in it {
            let sp = self.span(&p);
            match p.as_rule() {
                Rule::title_stmt => {
                    let (s, when) = self.str_stmt(p);
                    self.once(&mut policy.title, "title", Item::new(s, sp, when));
                }
                Rule::about_stmt => {
                    let (s, when) = self.str_stmt(p);
                    self.once(&mut policy.about, "about", Item::new(s, sp, when));
                }
                Rule::application_stmt => {
                    let item = self.application(p);
                    self.once(&mut policy.application, "application", item);
                }
                Rule::kb_stmt => {
                    let item = self.kb(p);
                    self.once(&mut policy.kb, "kb", item);
                }
                Rule::versions_stmt => {
                    let mut dates: Vec<Date> = Vec::new();
                    let listed: Vec<Date> =
                        parts(p).into_iter().filter_map(|d| self.date(&d)).collect();
                    for d in listed {
                        // a release listed twice would be checked twice in every configuration
                        if let Some(first) = dates.iter().find(|f| f.key() == d.key()) {
                            self.error(
                                Diagnostic::new(
                                    codes::DUPLICATE_STATEMENT,
                                    format!("release {d} is listed twice in `versions`"),
                                )
                                .at(self.file, d.span, "listed again here")
                                .with_label(self.file, first.span, "first listed here")
                                .with_help("list each release once"),
                            );
                            continue;
                        }
                        dates.push(d);
                    }
                    self.once(&mut policy.versions, "versions", Item::new(dates, sp, None));
                }
                Rule::supports_stmt => {
                    let mut ps = parts(p).into_iter();
                    let Some(dim) = ps.next() else { continue };
                    let dimension = self.name(dim);
                    let mut values = Vec::new();
                    let mut when = None;
                    for v in ps {
                        match v.as_rule() {
                            Rule::when_clause => when = self.when(v),
                            _ => values.extend(self.value(v)),
                        }
                    }
                    policy
                        .supports
                        .push(Item::new(Supports { dimension, values }, sp, when));
                }
                Rule::applies_to_stmt => {
                    let ps = parts(p);
                    let value = if ps.is_empty() {
                        AppliesTo::All
                    } else {
                        AppliesTo::Releases(ps.iter().filter_map(|d| self.date(d)).collect())
                    };
                    self.once(
                        &mut policy.applies_to,
                        "applies-to",
                        Item::new(value, sp, None),
                    );
                }
                Rule::switchover_stmt => {
                    let mut when = None;
                    let mut within = None;
                    for x in parts(p) {
                        match x.as_rule() {
                            Rule::when_clause => when = self.when(x),
                            Rule::duration => within = self.duration(&x),
                            _ => {}
                        }
                    }
                    if let Some(d) = within {
                        policy.switchover.push(Item::new(d, sp, when));
                    }
                }
                Rule::exception_block => {
                    if let Some(e) = self.exception(p) {
                        policy.exceptions.push(e);
                    }
                }
                _ => self.body_item(&mut policy.base, p, None),
            }
        }
        // an exception's services start from the base block's defaults, then its own block's
        // (the last setting that holds wins), wherever the base block stands in the file
        for e in &mut policy.exceptions {
            for s in &mut e.body.services {
                let mut startup = self.base_startup.clone();
                startup.append(&mut s.value.startup);
                s.value.startup = startup;
                let mut on_failure = self.base_on_failure.clone();
                on_failure.append(&mut s.value.on_failure);
                s.value.on_failure = on_failure;
            }
        }
        Some(policy)
    }

    fn exception(&mut self, p: P) -> Option<Exception> {
        let sp = self.span(&p);
        let mut it = parts(p).into_iter().peekable();
        let release = self.date(&it.next()?)?;
        let when = match it.peek().map(|x| x.as_rule()) {
            Some(Rule::when_clause) => it.next().and_then(|w| self.when(w)),
            _ => None,
        };
        let mut body = Body::default();
        self.in_exception = true;
        for item in it {
            self.body_item(&mut body, item, None);
        }
        self.in_exception = false;
        Some(Exception {
            release,
            span: sp,
            when,
            body,
        })
    }

    /// Statements shared by the policy and its exceptions.
    fn body_item(&mut self, body: &mut Body, p: P, outer: Option<&Condition>) {
        let sp = self.span(&p);
        match p.as_rule() {
            Rule::note_stmt => {
                let (s, when) = self.str_stmt(p);
                body.notes
                    .push(Item::new(s, sp, Condition::conjoin(outer, when)));
            }
            Rule::advise_stmt => {
                let (s, when) = self.str_stmt(p);
                body.advise
                    .push(Item::new(s, sp, Condition::conjoin(outer, when)));
            }
            Rule::unsupported_stmt => {
                let (s, when) = self.str_stmt(p);
                body.unsupported
                    .push(Item::new(s, sp, Condition::conjoin(outer, when)));
            }
            Rule::allow_stmt => {
                let mut code = None;
                let mut because = None;
                for x in meaningful(p) {
                    match x.as_rule() {
                        Rule::allow_code => code = Some(self.name(x)),
                        Rule::because_clause => {
                            because = meaningful(x).next().map(|s| self.string(s))
                        }
                        _ => {}
                    }
                }
                if let (Some(code), Some(because)) = (code, because) {
                    body.allows
                        .push(Item::new(Allow { code, because }, sp, None));
                }
            }
            Rule::discovery_stmt => {
                let mut automatic = false;
                let mut reason = None;
                let mut when = None;
                for c in parts(p) {
                    match c.as_rule() {
                        Rule::discovery_mode => automatic = c.as_str() == "automatic",
                        Rule::dq_string | Rule::sq_string => reason = Some(self.string(c)),
                        Rule::when_clause => when = self.when(c),
                        _ => {}
                    }
                }
                let item = Item::new(
                    Discovery { automatic, reason },
                    sp,
                    Condition::conjoin(outer, when),
                );
                self.once(&mut body.discovery, "discovery", item);
            }
            Rule::paths_block => self.block(
                p,
                |b, c, w| {
                    let sp = b.span(&c);
                    let mut ps = parts(c).into_iter();
                    let (Some(n), Some(s)) = (ps.next(), ps.next()) else {
                        return;
                    };
                    let name = b.name(n);
                    let pattern = b.string(s);
                    let mut about = None;
                    let mut when = None;
                    for x in ps {
                        match x.as_rule() {
                            Rule::when_clause => when = b.when(x),
                            _ => about = Some(b.string(x)),
                        }
                    }
                    body.paths.push(Item::new(
                        PathDef {
                            name,
                            pattern,
                            about,
                        },
                        sp,
                        Condition::conjoin(w, when),
                    ));
                },
                outer,
            ),
            Rule::services_block => self.services(body, p, outer),
            Rule::data_block => {
                let (cond, items) = self.block_parts(p, outer);
                for c in items {
                    if c.as_rule() == Rule::parsed_body {
                        let at = self.span(&c).start() + 1;
                        let Some((data, diags)) = self.prebuilt.remove(&at) else {
                            // a NUL the scanner did not put there: not a statement
                            self.error(
                                Diagnostic::new(
                                    codes::SYNTAX,
                                    "expected a data statement, found a NUL character",
                                )
                                .at(self.file, Span::new(at, at + 1), "not valid in a policy")
                                .with_help("remove the character"),
                            );
                            continue;
                        };
                        self.diags.extend(diags);
                        let data = data.into_iter().map(|mut item| {
                            if cond.is_some() {
                                let own = item.when.take().map(|w| *w);
                                item.when = Condition::conjoin(cond.as_ref(), own).map(Box::new);
                            }
                            item
                        });
                        if body.data.is_empty() {
                            body.data = data.collect(); // in place: no copy
                        } else {
                            body.data.extend(data);
                        }
                    } else if let Some(item) = self.data_rule(c, cond.as_ref()) {
                        body.data.push(item);
                    }
                }
            }
            Rule::tasks_block => self.block(
                p,
                |b, c, w| {
                    if let Some(item) = b.task(c, w) {
                        body.tasks.push(item);
                    }
                },
                outer,
            ),
            _ => {}
        }
    }

    /// Walk a block `kw when? { items }`, handing each item and the block's condition to `f`.
    fn block<'i>(
        &mut self,
        p: P<'i>,
        mut f: impl FnMut(&mut Self, P<'i>, Option<&Condition>),
        outer: Option<&Condition>,
    ) {
        let (cond, items) = self.block_parts(p, outer);
        for c in items {
            f(self, c, cond.as_ref());
        }
    }

    /// A block's condition (with the outer one) and its items.
    fn block_parts<'i>(
        &mut self,
        p: P<'i>,
        outer: Option<&Condition>,
    ) -> (Option<Condition>, Vec<P<'i>>) {
        let mut when = None;
        let mut items = Vec::new();
        for c in parts(p) {
            if c.as_rule() == Rule::when_clause {
                when = self.when(c);
            } else {
                items.push(c);
            }
        }
        (Condition::conjoin(outer, when), items)
    }

    fn services(&mut self, body: &mut Body, p: P, outer: Option<&Condition>) {
        let mut defaults = Vec::new();
        // block-level `on-failure`: every service's list unless it gives its own
        let mut failure_defaults: Vec<Item<Vec<FailureAction>>> = Vec::new();
        let mut services = Vec::new();
        self.block(
            p,
            |b, c, w| {
                let sp = b.span(&c);
                match c.as_rule() {
                    Rule::startup_stmt => {
                        if let Some((v, when)) = b.startup(c) {
                            defaults.push(Item::new(v, sp, Condition::conjoin(w, when)));
                        }
                    }
                    Rule::on_failure_stmt => {
                        let mut scratch = Service::named(Name {
                            text: String::new(),
                            span: sp,
                        });
                        b.service_setting(&mut scratch, c);
                        for mut item in scratch.on_failure {
                            item.when = Condition::conjoin(w, item.when.map(|c| *c)).map(Box::new);
                            failure_defaults.push(item);
                        }
                    }
                    _ => {
                        if let Some(s) = b.service(c, w) {
                            services.push(s);
                        }
                    }
                }
            },
            outer,
        );
        if !self.in_exception {
            self.base_startup.extend(defaults.iter().cloned());
            self.base_on_failure
                .extend(failure_defaults.iter().cloned());
        }
        for mut s in services {
            let mut startup = defaults.clone();
            startup.append(&mut s.value.startup);
            s.value.startup = startup;
            let mut on_failure = failure_defaults.clone();
            on_failure.append(&mut s.value.on_failure);
            s.value.on_failure = on_failure;
            body.services.push(s);
        }
    }

    fn startup(&mut self, p: P) -> Option<(Startup, Option<Condition>)> {
        let mut v = None;
        let mut when = None;
        for c in parts(p) {
            match c.as_rule() {
                Rule::startup_type => v = self.word(&keywords::STARTUP, &c),
                Rule::when_clause => when = self.when(c),
                _ => {}
            }
        }
        v.map(|v| (v, when))
    }

    fn service(&mut self, p: P, outer: Option<&Condition>) -> Option<Item<Service>> {
        let sp = self.span(&p);
        let mut it = parts(p).into_iter();
        let name = self.name(it.next()?);
        let mut s = Service::named(name);
        let mut when = None;
        for c in it {
            match c.as_rule() {
                Rule::dq_string | Rule::sq_string => s.display = Some(self.string(c)),
                Rule::when_clause => when = self.when(c),
                Rule::service_body => {
                    for setting in parts(c) {
                        self.service_setting(&mut s, setting);
                    }
                }
                _ => {}
            }
        }
        Some(Item::new(s, sp, Condition::conjoin(outer, when)))
    }

    fn service_setting(&mut self, s: &mut Service, p: P) {
        let sp = self.span(&p);
        let rule = p.as_rule();
        let mut values = Vec::new();
        let mut when = None;
        for c in parts(p) {
            if c.as_rule() == Rule::when_clause {
                when = self.when(c);
            } else {
                values.push(c);
            }
        }
        let Some(first) = values.first() else { return };
        match rule {
            Rule::after_stmt => {
                let names = values.into_iter().map(|n| self.name(n)).collect();
                s.after.push(Item::new(names, sp, when));
            }
            Rule::startup_stmt => {
                let Some(v) = self.word(&keywords::STARTUP, first) else {
                    return;
                };
                s.startup.push(Item::new(v, sp, when));
            }
            Rule::active_stmt | Rule::passive_stmt => {
                let Some(v) = self.word(&keywords::SERVICE_STATE, first) else {
                    return;
                };
                let list = if rule == Rule::active_stmt {
                    &mut s.active
                } else {
                    &mut s.passive
                };
                list.push(Item::new(v, sp, when));
            }
            Rule::monitor_stmt => s.monitor.push(Item::new(first.as_str() == "yes", sp, when)),
            Rule::manage_stmt => s.manage.push(Item::new(first.as_str() == "yes", sp, when)),
            Rule::on_failure_stmt => {
                if values.len() > MAX_FAILURE_ACTIONS {
                    let extra = self.span(&values[MAX_FAILURE_ACTIONS]);
                    self.error(
                        Diagnostic::new(
                            codes::TOO_MANY_FAILURE_ACTIONS,
                            format!(
                                "{} failure actions given; the product runs at most three",
                                values.len()
                            ),
                        )
                        .at(self.file, extra, "this action would never run")
                        .with_help("keep at most three actions, in the order they should run"),
                    );
                }
                let actions = values
                    .into_iter()
                    .filter_map(|a| self.failure_action(a))
                    .collect();
                s.on_failure.push(Item::new(actions, sp, when));
            }
            Rule::start_timeout_stmt | Rule::stop_timeout_stmt => {
                if let Some(d) = self.duration(first) {
                    let list = if rule == Rule::start_timeout_stmt {
                        &mut s.start_timeout
                    } else {
                        &mut s.stop_timeout
                    };
                    list.push(Item::new(d, sp, when));
                }
            }
            _ => {}
        }
    }

    fn failure_action(&mut self, p: P) -> Option<FailureAction> {
        let inner = p.into_inner().next()?;
        Some(match inner.as_rule() {
            Rule::task_action => FailureAction::Task(self.name(parts(inner).into_iter().next()?)),
            _ => return self.word(&keywords::FAILURE_ACTION, &inner),
        })
    }

    fn data_rule(&mut self, p: P, outer: Option<&Condition>) -> Option<Item<DataRule>> {
        let sp = self.span(&p);
        let rule = p.as_rule();
        let mut mode = FilterMode::Include;
        let mut pattern = None;
        let mut class = None;
        let mut because = None;
        let mut when = None;
        for c in meaningful(p) {
            match c.as_rule() {
                Rule::filter_mode => mode = self.word(&keywords::FILTER_MODE, &c)?,
                Rule::dq_string | Rule::sq_string => pattern = Some(self.string(c)),
                Rule::as_clause => {
                    class = match meaningful(c).next() {
                        Some(k) => Some(self.word(&keywords::DATA_CLASS, &k)?),
                        None => None,
                    }
                }
                Rule::because_clause => {
                    because = meaningful(c).next().map(|s| self.string(s));
                }
                Rule::when_clause => when = self.when(c),
                _ => {}
            }
        }
        let pattern = pattern?;
        let value = match rule {
            Rule::unprotected_stmt => DataRule::Unprotected {
                pattern,
                class,
                because: Box::new(because?),
            },
            _ => DataRule::Filter {
                kind: match rule {
                    Rule::registry_stmt => FilterKind::Registry,
                    Rule::snapshot_stmt => FilterKind::Snapshot,
                    _ => FilterKind::Files,
                },
                mode,
                pattern,
                class,
                because: because.map(Box::new),
            },
        };
        Some(Item::new(value, sp, Condition::conjoin(outer, when)))
    }

    fn task(&mut self, p: P, outer: Option<&Condition>) -> Option<Item<Task>> {
        let sp = self.span(&p);
        let mut it = parts(p).into_iter();
        let name_pair = it.next()?;
        let name = self.name(name_pair);
        let mut when: Option<Condition> = None;
        let mut at: Option<Item<TaskKind>> = None;
        let mut on: Option<Item<TaskSide>> = None;
        let mut run: Option<Item<Run>> = None;
        let mut timeout: Option<Item<Duration>> = None;
        let mut writes: Option<Item<Vec<Str>>> = None;
        let add_when = |w: Option<Condition>, when: &mut Option<Condition>| {
            if let Some(w) = w {
                *when = Some(match when.take() {
                    Some(prev) => Condition::and(prev, w),
                    None => w,
                });
            }
        };
        for c in it {
            match c.as_rule() {
                Rule::when_clause => {
                    let w = self.when(c);
                    add_when(w, &mut when);
                }
                Rule::task_body => {
                    for s in parts(c) {
                        let ssp = self.span(&s);
                        match s.as_rule() {
                            Rule::when_clause => {
                                let w = self.when(s);
                                add_when(w, &mut when);
                            }
                            Rule::at_stmt => {
                                let Some(k) = parts(s).into_iter().next() else {
                                    continue;
                                };
                                let kind = match k.as_rule() {
                                    Rule::periodic => {
                                        // a zero or invalid interval is reported on its own;
                                        // the task still has its `at` (no "missing `at`")
                                        let d = parts(k)
                                            .into_iter()
                                            .next()
                                            .and_then(|d| self.duration(&d))
                                            .unwrap_or(Duration { seconds: 0 });
                                        TaskKind::Periodic(d)
                                    }
                                    _ => {
                                        let Some(kind) = self.word(&keywords::TASK_KIND, &k) else {
                                            continue;
                                        };
                                        kind
                                    }
                                };
                                self.once(&mut at, "at", Item::new(kind, ssp, None));
                            }
                            Rule::on_stmt => {
                                let Some(side) = parts(s)
                                    .first()
                                    .and_then(|x| self.word(&keywords::TASK_SIDE, x))
                                else {
                                    continue;
                                };
                                self.once(&mut on, "on", Item::new(side, ssp, None));
                            }
                            Rule::run_stmt => {
                                let mut strs = parts(s).into_iter().map(|x| self.string(x));
                                let Some(program) = strs.next() else { continue };
                                let args = strs.collect();
                                self.once(
                                    &mut run,
                                    "run",
                                    Item::new(Run { program, args }, ssp, None),
                                );
                            }
                            Rule::timeout_stmt => {
                                if let Some(d) = parts(s).first().and_then(|d| self.duration(d)) {
                                    self.once(&mut timeout, "timeout", Item::new(d, ssp, None));
                                }
                            }
                            Rule::writes_stmt => {
                                let ps: Vec<Str> =
                                    parts(s).into_iter().map(|x| self.string(x)).collect();
                                self.once(&mut writes, "writes", Item::new(ps, ssp, None));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let missing = |what: &str| {
            Diagnostic::new(
                codes::MISSING_STATEMENT,
                format!("task `{}` has no `{what}`", name.text),
            )
            .at(self.file, name.span, format!("this task needs `{what}`"))
        };
        let Some(at) = at else {
            let d = missing("at")
                .with_help("say when it runs, e.g. `at prestart` or `at periodic every 4h`");
            self.error(d);
            return None;
        };
        let Some(run) = run else {
            let d = missing("run")
                .with_help("say what it runs, e.g. `run '%Install%\\tool.exe' \"-s\"`");
            self.error(d);
            return None;
        };
        Some(Item::new(
            Task {
                name,
                at,
                on,
                run,
                timeout,
                writes,
            },
            sp,
            Condition::conjoin(outer, when),
        ))
    }

    fn application(&mut self, p: P) -> Item<Application> {
        let sp = self.span(&p);
        let mut app = Application {
            name: Str::synthetic(String::new(), sp),
            formerly: Vec::new(),
            bits: Vec::new(),
            writes: Vec::new(),
        };
        let mut when = None;
        for c in parts(p) {
            match c.as_rule() {
                Rule::dq_string | Rule::sq_string => app.name = self.string(c),
                Rule::when_clause => when = self.when(c),
                Rule::application_body => {
                    for s in parts(c) {
                        let ssp = self.span(&s);
                        let rule = s.as_rule();
                        if rule == Rule::app_writes_stmt {
                            if let Some(w) = self.app_writes(s) {
                                app.writes.push(w);
                            }
                            continue;
                        }
                        let mut v = None;
                        let mut w = None;
                        for x in parts(s) {
                            match x.as_rule() {
                                Rule::when_clause => w = self.when(x),
                                _ => v = Some(x),
                            }
                        }
                        let Some(v) = v else { continue };
                        if rule == Rule::formerly_stmt {
                            let s = self.string(v);
                            app.formerly.push(Item::new(s, ssp, w));
                        } else {
                            let bits = if v.as_str() == "64" { 64 } else { 32 };
                            if w.is_none() {
                                if let Some(first) = app.bits.iter().find(|b| b.when.is_none()) {
                                    let first = first.span;
                                    self.duplicate("bits", first, ssp);
                                    continue;
                                }
                            }
                            app.bits.push(Item::new(bits, ssp, w));
                        }
                    }
                }
                _ => {}
            }
        }
        Item::new(app, sp, when)
    }

    /// `writes PATTERN, … on passive|both [because "…"] [when …]` in the application block.
    fn app_writes(&mut self, p: P) -> Option<Item<AppWrites>> {
        let sp = self.span(&p);
        let mut patterns = Vec::new();
        let mut side = None;
        let mut because = None;
        let mut when = None;
        for x in meaningful(p) {
            match x.as_rule() {
                Rule::dq_string | Rule::sq_string => patterns.push(self.string(x)),
                Rule::write_side => side = self.word(&keywords::TASK_SIDE, &x),
                Rule::because_clause => because = meaningful(x).next().map(|s| self.string(s)),
                Rule::when_clause => when = self.when(x),
                _ => {}
            }
        }
        let value = AppWrites {
            patterns,
            side: side?,
            because,
        };
        Some(Item::new(value, sp, when))
    }

    fn kb(&mut self, p: P) -> Item<Kb> {
        let sp = self.span(&p);
        let mut kb = Kb {
            number: 0,
            title: None,
        };
        let mut when = None;
        for c in parts(p) {
            match c.as_rule() {
                Rule::integer => match c.as_str().parse() {
                    Ok(n) => kb.number = n,
                    Err(_) => self.error(
                        Diagnostic::new(codes::INVALID_NUMBER, "number is too large").at(
                            self.file,
                            self.span(&c),
                            "this number does not fit in 64 bits",
                        ),
                    ),
                },
                Rule::dq_string | Rule::sq_string => kb.title = Some(self.string(c)),
                Rule::when_clause => when = self.when(c),
                _ => {}
            }
        }
        Item::new(kb, sp, when)
    }

    /// A statement of the shape `keyword "string" when?`.
    fn str_stmt(&mut self, p: P) -> (Str, Option<Condition>) {
        let sp = self.span(&p);
        let mut s = Str::synthetic(String::new(), sp);
        let mut when = None;
        for c in parts(p) {
            match c.as_rule() {
                Rule::dq_string | Rule::sq_string => s = self.string(c),
                Rule::when_clause => when = self.when(c),
                _ => {}
            }
        }
        (s, when)
    }

    /// A `dq_string` or `sq_string`: its value, with escapes or doubled quotes resolved.
    fn string(&mut self, p: P) -> Str {
        let sp = self.span(&p);
        let literal = p.as_rule() == Rule::sq_string;
        // the text between the quotes
        let quoted = p.as_str();
        let raw = quoted
            .get(1..quoted.len().saturating_sub(1))
            .unwrap_or_default();
        let start = sp.start() + 1;
        let value = if literal {
            raw.replace("''", "'")
        } else {
            match strings::unescape(raw) {
                Ok(v) => v,
                Err((at, len, msg)) => {
                    self.error(
                        Diagnostic::new(codes::INVALID_ESCAPE, msg)
                            .at(self.file, Span::new(start + at, start + at + len), "not a valid escape")
                            .with_help("valid escapes are `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{HEX}`; write Windows paths as '…' literal strings"),
                    );
                    raw.to_string()
                }
            }
        };
        // where the value's `%name%` uses lie in the source, when the value is not the
        // source text (the uses of the raw text, in order)
        let use_offsets = (value != raw && value.contains('%')).then(|| {
            Box::new(
                crate::ast::var_uses(raw)
                    .map(|(p, _)| start + p)
                    .collect::<Vec<usize>>(),
            )
        });
        Str {
            value,
            span: sp,
            literal,
            use_offsets,
        }
    }

    fn name(&mut self, p: P) -> Name {
        let sp = self.span(&p);
        let inner = if p.as_rule() == Rule::name {
            p.into_inner().next()
        } else {
            Some(p)
        };
        match inner {
            Some(i) if matches!(i.as_rule(), Rule::dq_string | Rule::sq_string) => {
                let s = self.string(i);
                Name {
                    text: s.value,
                    span: sp,
                }
            }
            Some(i) => Name {
                text: i.as_str().to_string(),
                span: sp,
            },
            None => Name {
                text: String::new(),
                span: sp,
            },
        }
    }

    fn date(&mut self, p: &P) -> Option<Date> {
        let sp = self.span(p);
        let d = Date::parse(p.as_str(), sp);
        if d.is_none() {
            self.error(
                Diagnostic::new(
                    codes::INVALID_DATE,
                    format!("`{}` is not a real date", p.as_str()),
                )
                .at(self.file, sp, "no such day")
                .with_help("release versions are calendar dates written YYYY-MM-DD"),
            );
        }
        d
    }

    fn duration(&mut self, p: &P) -> Option<Duration> {
        let sp = self.span(p);
        match Duration::parse(p.as_str()) {
            Some(d) if d.seconds > 0 => Some(d),
            Some(_) => {
                self.error(
                    Diagnostic::new(
                        codes::INVALID_NUMBER,
                        "a duration of zero means nothing here",
                    )
                    .at(self.file, sp, "zero duration")
                    .with_help("write a positive duration such as 30s or 10m"),
                );
                None
            }
            None => {
                self.error(
                    Diagnostic::new(
                        codes::INVALID_NUMBER,
                        format!(
                            "duration `{}` is longer than the 30 days amxc takes",
                            p.as_str()
                        ),
                    )
                    .at(self.file, sp, "out of range")
                    .with_help("a timeout, switchover budget or period is at most 30d"),
                );
                None
            }
        }
    }

    fn value(&mut self, p: P) -> Option<Value> {
        let sp = self.span(&p);
        let inner = if p.as_rule() == Rule::value {
            p.into_inner().next()?
        } else {
            p
        };
        let (kind, text) = match inner.as_rule() {
            Rule::date => {
                self.date(&inner)?;
                (ValueKind::Date, inner.as_str().to_string())
            }
            Rule::version => (ValueKind::Version, inner.as_str().to_string()),
            Rule::dq_string | Rule::sq_string => (ValueKind::Str, self.string(inner).value),
            _ => (ValueKind::Word, inner.as_str().to_string()),
        };
        Some(Value {
            kind,
            text,
            span: sp,
        })
    }

    pub fn when(&mut self, p: P) -> Option<Condition> {
        let c = parts(p)
            .into_iter()
            .find(|c| c.as_rule() == Rule::or_expr)?;
        self.condition(c)
    }

    fn condition(&mut self, p: P) -> Option<Condition> {
        let sp = self.span(&p);
        match p.as_rule() {
            Rule::or_expr | Rule::and_expr => {
                let is_or = p.as_rule() == Rule::or_expr;
                let mut xs: Vec<Condition> = Vec::new();
                for c in parts(p) {
                    xs.push(self.condition(c)?);
                }
                if xs.len() == 1 {
                    return xs.pop();
                }
                let kind = if is_or {
                    CondKind::Or(xs)
                } else {
                    CondKind::And(xs)
                };
                Some(Condition { kind, span: sp })
            }
            Rule::not_expr => {
                let inner = parts(p).into_iter().next()?;
                let c = self.condition(inner)?;
                Some(Condition {
                    kind: CondKind::Not(Box::new(c)),
                    span: sp,
                })
            }
            Rule::paren => {
                let inner = parts(p).into_iter().next()?;
                let mut c = self.condition(inner)?;
                c.span = sp;
                Some(c)
            }
            Rule::has_atom => {
                let n = self.name(parts(p).into_iter().next()?);
                let sym = crate::filters::Sym::new(&n.text);
                Some(Condition {
                    kind: CondKind::Has(n, sym),
                    span: sp,
                })
            }
            Rule::mgmt_atom => Some(Condition {
                kind: CondKind::ManagementIp,
                span: sp,
            }),
            Rule::compare => {
                let mut ps = parts(p).into_iter();
                let dimension = self.name(ps.next()?);
                let op = CmpOp::parse(ps.next()?.as_str())?;
                let value = self.value(ps.next()?)?;
                let kind = if dimension.text == crate::ast::RELEASE {
                    let date = (value.kind == crate::ast::ValueKind::Date)
                        .then(|| Date::parse(&value.text, value.span))
                        .flatten();
                    CondKind::Release { op, value, date }
                } else {
                    CondKind::Compare {
                        dim: crate::filters::Sym::new(&dimension.text),
                        dimension,
                        op,
                        value,
                    }
                };
                Some(Condition { kind, span: sp })
            }
            _ => None,
        }
    }
}
