//! Visiting every condition of a policy, for the checks that look at all of them.

use super::*;

fn push<'a, T>(out: &mut Vec<&'a Condition>, items: &'a [Item<T>]) {
    out.extend(items.iter().filter_map(|i| i.when.as_deref()));
}

fn body<'a>(out: &mut Vec<&'a Condition>, b: &'a Body, with_data: bool) {
    push(out, &b.notes);
    push(out, &b.paths);
    if with_data {
        push(out, &b.data);
    }
    push(out, &b.tasks);
    push(out, &b.advise);
    push(out, &b.unsupported);
    out.extend(b.discovery.iter().filter_map(|d| d.when.as_deref()));
    for s in &b.services {
        out.extend(s.when.as_deref());
        let v = &s.value;
        push(out, &v.after);
        push(out, &v.startup);
        push(out, &v.active);
        push(out, &v.passive);
        push(out, &v.monitor);
        push(out, &v.manage);
        push(out, &v.on_failure);
        push(out, &v.start_timeout);
        push(out, &v.stop_timeout);
    }
}

impl Policy {
    /// Every condition written in the policy, outermost first. Block conditions pushed into
    /// items appear inside those items' conditions.
    pub fn conditions(&self) -> Vec<&Condition> {
        self.conditions_of(true)
    }

    /// Every condition but those of `data` rules (which validation relates on its own).
    pub fn conditions_of(&self, with_data: bool) -> Vec<&Condition> {
        let mut out = Vec::new();
        out.extend(self.title.iter().filter_map(|i| i.when.as_deref()));
        out.extend(self.about.iter().filter_map(|i| i.when.as_deref()));
        out.extend(self.kb.iter().filter_map(|i| i.when.as_deref()));
        if let Some(a) = &self.application {
            out.extend(a.when.as_deref());
            push(&mut out, &a.value.formerly);
            out.extend(a.value.bits.iter().filter_map(|b| b.when.as_deref()));
            if with_data {
                push(&mut out, &a.value.writes);
            }
        }
        push(&mut out, &self.supports);
        push(&mut out, &self.switchover);
        body(&mut out, &self.base, with_data);
        for e in &self.exceptions {
            out.extend(e.when.as_ref());
            body(&mut out, &e.body, with_data);
        }
        out
    }

    /// Every condition that decides where paths resolve to (what `lower::Resolver` reads):
    /// `bits`, path definitions, and the exceptions whose path definitions apply.
    pub fn path_conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        if let Some(a) = &self.application {
            out.extend(a.value.bits.iter().filter_map(|b| b.when.as_deref()));
        }
        push(&mut out, &self.base.paths);
        for e in &self.exceptions {
            out.extend(e.when.as_ref());
            push(&mut out, &e.body.paths);
        }
        out
    }

    /// Every body: the base first, then each exception's.
    pub fn bodies(&self) -> impl Iterator<Item = (&Body, Option<&Exception>)> {
        std::iter::once((&self.base, None))
            .chain(self.exceptions.iter().map(|e| (&e.body, Some(e))))
    }
}

impl Condition {
    /// This condition and all inside it.
    pub fn atoms(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            match &c.kind {
                CondKind::Or(xs) | CondKind::And(xs) => stack.extend(xs.iter().rev()),
                CondKind::Not(x) => stack.push(x),
                _ => out.push(c),
            }
        }
        out
    }
}

impl Body {
    /// Every text of the body that may use `%name%`: path definitions, service names and
    /// display names, `after` names, data patterns, task programs and arguments, sentences.
    fn texts<'a>(&'a self, out: &mut Vec<&'a str>) {
        let strs = |items: &'a [Item<Str>]| items.iter().map(|i| i.value.value.as_str());
        out.extend(strs(&self.notes));
        out.extend(strs(&self.advise));
        out.extend(strs(&self.unsupported));
        for p in &self.paths {
            out.push(&p.value.pattern.value);
        }
        for s in &self.services {
            out.push(&s.value.name.text);
            out.extend(s.value.display.iter().map(|d| d.value.as_str()));
            for a in &s.value.after {
                out.extend(a.value.iter().map(|n| n.text.as_str()));
            }
        }
        out.extend(self.data.iter().map(|d| d.value.pattern().value.as_str()));
        for t in &self.tasks {
            out.push(&t.value.run.value.program.value);
            out.extend(t.value.run.value.args.iter().map(|a| a.value.as_str()));
            if let Some(w) = &t.value.writes {
                out.extend(w.value.iter().map(|p| p.value.as_str()));
            }
        }
    }
}

impl Policy {
    /// Every `paths { NAME = '…' }` definition, base and exceptions, in source order.
    pub fn path_definitions(&self) -> impl Iterator<Item = &PathDef> {
        self.bodies()
            .flat_map(|(b, _)| b.paths.iter().map(|p| &p.value))
    }

    /// Every `%name%` the policy uses anywhere, lower-cased.
    pub fn var_names(&self) -> std::collections::HashSet<String> {
        let mut texts = Vec::new();
        for (b, _) in self.bodies() {
            b.texts(&mut texts);
        }
        for w in self.application.iter().flat_map(|a| &a.value.writes) {
            texts.extend(w.value.patterns.iter().map(|p| p.value.as_str()));
        }
        texts
            .into_iter()
            .flat_map(|t| super::var_uses(t).map(|(_, n)| n.to_ascii_lowercase()))
            .collect()
    }
}

fn keep<T: Clone>(items: &[Item<T>]) -> Vec<Item<T>> {
    items.iter().filter(|i| i.when.is_none()).cloned().collect()
}

impl Policy {
    /// The policy as it holds in every configuration: the base statements and settings that
    /// carry no condition, and no exception (which holds in one release only).
    pub fn unconditional(&self) -> Policy {
        let b = &self.base;
        let services = b
            .services
            .iter()
            .filter(|s| s.when.is_none())
            .map(|s| {
                let v = &s.value;
                Item {
                    value: Service {
                        name: v.name.clone(),
                        display: v.display.clone(),
                        after: keep(&v.after),
                        startup: keep(&v.startup),
                        active: keep(&v.active),
                        passive: keep(&v.passive),
                        monitor: keep(&v.monitor),
                        manage: keep(&v.manage),
                        on_failure: keep(&v.on_failure),
                        start_timeout: keep(&v.start_timeout),
                        stop_timeout: keep(&v.stop_timeout),
                    },
                    span: s.span,
                    when: None,
                }
            })
            .collect();
        Policy {
            base: Body {
                notes: keep(&b.notes),
                paths: keep(&b.paths),
                services,
                data: keep(&b.data),
                tasks: keep(&b.tasks),
                discovery: b.discovery.clone().filter(|d| d.when.is_none()),
                advise: keep(&b.advise),
                unsupported: keep(&b.unsupported),
                allows: b.allows.clone(),
            },
            exceptions: Vec::new(),
            file: self.file,
            span: self.span,
            id: self.id.clone(),
            title: self.title.clone(),
            application: self.application.clone(),
            kb: self.kb.clone(),
            about: self.about.clone(),
            versions: self.versions.clone(),
            supports: self.supports.clone(),
            applies_to: self.applies_to.clone(),
            switchover: self
                .switchover
                .iter()
                .filter(|i| i.when.is_none())
                .cloned()
                .collect(),
        }
    }
}
