// The two kinds of expression the operability checks must evaluate rather than pattern-match:
// Terraform version constraints ("~> 5.87", ">= 5.87, < 7.0") and variable validations of the form
// `[var.X == null ||] can(regex("RE", var.X))`. Anything else is reported as not understood, so a
// check never passes on an expression it could not read.

// ---------------------------------------------------------------------------------------------
// Version constraints, as Terraform reads them for required_providers.

const parseVersion = (text) => {
  const m = String(text).trim().match(/^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/);
  if (!m) throw new Error(`"${text}" is not a version`);
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], given: m.slice(1).filter((x) => x !== undefined).length };
};

const compare = (a, b) => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

// True when VERSION (e.g. "5.86.0") satisfies every comma-separated part of CONSTRAINT.
export function constraintAdmits(constraint, version) {
  const v = parseVersion(version).parts;
  return String(constraint).split(',').every((raw) => {
    const m = raw.trim().match(/^(~>|>=|<=|!=|=|>|<)?\s*(\S+)$/);
    if (!m) throw new Error(`version constraint "${raw.trim()}" is not understood`);
    const op = m[1] ?? '=';
    const { parts: c, given } = parseVersion(m[2]);
    const cmp = compare(v, c);
    switch (op) {
      case '=': return cmp === 0;
      case '!=': return cmp !== 0;
      case '>': return cmp > 0;
      case '>=': return cmp >= 0;
      case '<': return cmp < 0;
      case '<=': return cmp <= 0;
      default: {
        // ~> X.Y allows X.Y up to the next major; ~> X.Y.Z up to the next minor.
        if (given < 2) throw new Error(`"~> ${m[2]}" needs at least major.minor`);
        const upper = given === 2 ? [c[0] + 1, 0, 0] : [c[0], c[1] + 1, 0];
        return cmp >= 0 && compare(v, upper) < 0;
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Variable validations.

// hcl2json gives the condition as "${…}" text with HCL string escapes kept; the regex argument is
// an HCL string literal, whose escapes are JSON's for the characters used here.
function readCondition(name, condition) {
  const text = String(condition).replace(/^\$\{\s*|\s*\}$/g, '').trim();
  const re = new RegExp(
    `^(?:var\\.${name}\\s*==\\s*null\\s*\\|\\|\\s*)?can\\(regex\\(("(?:[^"\\\\]|\\\\.)*"),\\s*var\\.${name}\\)\\)$`);
  const m = text.match(re);
  if (!m) {
    throw new Error(`validation of var.${name} is not of the form [var.${name} == null ||] ` +
      `can(regex("…", var.${name})): ${text}`);
  }
  return { allowsNull: text.startsWith(`var.${name}`), pattern: new RegExp(JSON.parse(m[1])) };
}

// Whether every validation block of variable NAME in MODEL accepts VALUE (null included).
export function validationAccepts(model, name, value) {
  const validations = [model.variable[name]?.validation ?? []].flat();
  if (validations.length === 0) throw new Error(`variable ${name} has no validation`);
  return validations.every((v) => {
    const { allowsNull, pattern } = readCondition(name, v.condition);
    return value === null ? allowsNull : pattern.test(value);
  });
}
