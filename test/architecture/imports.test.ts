import { expect } from 'chai';
import { cyclesOf, importCycles, importGraph, importsPastIndex, loopIn } from '../../scripts/architecture/scan.js';

describe('imports in server/', () => {
  it('when a capability uses another, then it imports that capability’s index.ts (shared/ files and the composition root excepted)', () => {
    const past = importsPastIndex().map((i) => `${i.file}:${i.line} imports ${i.target}`);
    expect(past, 'export what is needed from the target’s index.ts and import it from there').to.deep.equal([]);
  });

  it('when the runtime import graph is walked, then no file leads back to itself', () => {
    const graph = importGraph();
    const loops = importCycles().map(
      (cycle) => `${loopIn(graph, cycle).join('\n  → ')}\n  (${cycle.length} files in this cycle)`,
    );
    expect(loops, `import cycles:\n${loops.join('\n')}`).to.deep.equal([]);
  });

  it('when a cycle is planted in a small graph, then the cycle finder names it and one loop through it', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
    ]);
    expect(cyclesOf(graph)).to.deep.equal([['a', 'b', 'c'], ['f']]);
    expect(loopIn(graph, ['a', 'b', 'c'])).to.deep.equal(['a', 'b', 'c', 'a']);
    expect(loopIn(graph, ['f'])).to.deep.equal(['f', 'f']);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
        ]),
      ),
    ).to.deep.equal([]);
  });
});
