import { limits } from '../limits.js';

/**
 * The problems of the named guards' references to one another, in one linear pass (Tarjan's
 * strongly connected components, iteratively): `'cycle'` for each guard that refers back to
 * itself, and for each guard where a chain first grows longer than {@link limits.guardChain},
 * the chain (the guard, the guard it refers to, and so on). A guard that refers to a guard on
 * a cycle is not reported: the cycle is. `references` gives, for each named guard, the names its
 * condition refers to (names that are not guards are ignored).
 */
export function guardChains(references: ReadonlyMap<string, readonly string[]>): Map<string, 'cycle' | string[]> {
  const names = [...references.keys()];
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const refs = names.map((name) => [
    ...new Set(references.get(name)!.flatMap((ref) => (indexOf.has(ref) ? [indexOf.get(ref)!] : []))),
  ]);
  const order = new Array<number>(names.length).fill(-1);
  const low = new Array<number>(names.length).fill(0);
  const onStack = new Array<boolean>(names.length).fill(false);
  const cyclic = new Array<boolean>(names.length).fill(false);
  const length = new Array<number>(names.length).fill(0);
  const next = new Array<number>(names.length).fill(-1);
  const components: number[] = [];
  let counter = 0;
  for (let start = 0; start < names.length; start++) {
    if (order[start] !== -1) continue;
    const frames: { node: number; edge: number }[] = [{ node: start, edge: 0 }];
    order[start] = low[start] = counter++;
    components.push(start);
    onStack[start] = true;
    while (frames.length > 0) {
      const frame = frames.at(-1)!;
      const { node } = frame;
      if (frame.edge < refs[node]!.length) {
        const ref = refs[node]![frame.edge++]!;
        if (order[ref] === -1) {
          order[ref] = low[ref] = counter++;
          components.push(ref);
          onStack[ref] = true;
          frames.push({ node: ref, edge: 0 });
        } else if (onStack[ref]) {
          low[node] = Math.min(low[node]!, order[ref]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[node]!);
      if (low[node] !== order[node]) continue;
      // `node` is the root of a component; every guard it refers to outside the component is
      // done, so chain lengths can be computed.
      const members: number[] = [];
      for (let member = components.pop()!; ; member = components.pop()!) {
        onStack[member] = false;
        members.push(member);
        if (member === node) break;
      }
      if (members.length > 1 || refs[node]!.includes(node)) {
        for (const member of members) cyclic[member] = true;
        continue;
      }
      let longest = 0;
      for (const ref of refs[node]!) {
        if (!cyclic[ref] && length[ref]! > longest) {
          longest = length[ref]!;
          next[node] = ref;
        }
      }
      length[node] = longest + 1;
    }
  }
  const problems = new Map<string, 'cycle' | string[]>();
  names.forEach((name, index) => {
    if (cyclic[index]) problems.set(name, 'cycle');
    else if (length[index] === limits.guardChain + 1) {
      const chain: string[] = [];
      for (let at = index; at !== -1; at = next[at]!) chain.push(names[at]!);
      problems.set(name, chain);
    }
  });
  return problems;
}
