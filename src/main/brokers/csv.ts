/** Split one CSV line, honouring double-quoted fields (names in instrument masters may contain commas). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** A CSV file's trimmed header names and its data rows split into fields; blank lines are skipped. */
export function readCsv(csv: string): { header: string[]; rows: string[][] } {
  const [first = '', ...rest] = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  return { header: splitCsvLine(first).map((h) => h.trim()), rows: rest.map(splitCsvLine) };
}
