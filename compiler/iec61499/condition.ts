/**
 * ECC transition conditions as 4diac writes them:
 *   'REQ'              event only
 *   'REQ[x < 10]'      event with guard (current 4diac)
 *   'EI&G', 'EI AND G' event with guard (older files)
 *   'x < 10', 'TRUE'   pure guard
 *   '1'                always
 * `isEvent` says whether a name is an event the FB can receive ('adp.REQ' for adapters).
 */
export function splitCondition(condition: string, isEvent: (name: string) => boolean): { event?: string; guard?: string } {
  const c = condition.trim();
  if (c === '1' || c === '') return {};
  const bracket = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*\[([\s\S]*)\]$/.exec(c);
  if (bracket && isEvent(bracket[1]!)) {
    const guard = bracket[2]!.trim();
    return guard ? { event: bracket[1]!, guard } : { event: bracket[1]! };
  }
  const plain = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)$/.exec(c);
  if (plain && isEvent(plain[1]!)) return { event: plain[1]! };
  const conj = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*(?:&|\bAND\b)\s*([\s\S]+)$/i.exec(c);
  if (conj && isEvent(conj[1]!)) return { event: conj[1]!, guard: conj[2]!.trim() };
  return { guard: c };
}
