/**
 * G3-fragmentation: parallel branches and many small operators lower the degree of
 * parallelism and add launch and synchronisation overhead (ShuffleNet V2, G3).
 */
import { PASS_REFS, matchMergeParallel, matchReparam } from '../../patterns/index.js';
import { forkJoinBlocks } from '../fork-join.js';
import { operatorCount, pct, plural, type Rule } from '../types.js';

export const g3Fragmentation: Rule = {
  id: 'G3-fragmentation',
  title: 'G3: fragmented blocks (parallel branches, many small operators)',
  explain:
    'ShuffleNet V2 guideline G3: a block that forks into parallel branches, or strings many small operators together, runs fewer, smaller kernels in parallel and pays launch and synchronisation overhead for each. Flagged: blocks between a fork and its join with at least minBranches branches (default 3) or at least minOps operators (default 16). The estimate is the share of the model\'s operators beyond one per branch (with --measure, the block\'s measured time). Branches of conv+BN and identity summed by an Add fold into one conv with the reparam pass; branches that start with convs of the same geometry merge with merge-parallel-convs (each named only where that pass\'s own match covers the block).',
  defaults: { minBranches: 3, minOps: 16 },
  // reduce, not Math.max(...list): spreading ~100,000 arguments overflows the stack.
  headline: (f) => `${f.length} fragmented block${plural(f.length)}, up to ${f.reduce((m, x) => Math.max(m, Number(x.evidence['branches'] ?? 0)), 0)} parallel branches`,
  match(ctx) {
    const { graph, cost } = ctx.analysis;
    const totalOps = operatorCount(cost);
    const totalMadds = cost.totals.madds;
    const byJoin = new Map<string, ReturnType<typeof forkJoinBlocks>[number]>();
    for (const b of forkJoinBlocks(graph)) {
      const ops = b.nodes.length;
      if (b.branches.length < ctx.options['minBranches']! && ops < ctx.options['minOps']!) continue;
      const prev = byJoin.get(b.join.name);
      if (!prev || b.branches.length > prev.branches.length) byJoin.set(b.join.name, b);
    }
    const out = [];
    for (const b of byJoin.values()) {
      const madds = b.nodes.reduce((s, n) => s + (ctx.cost(n)?.madds ?? 0), 0);
      const perBranch = b.branches.map((br) => br.length);
      const extra = Math.max(0, b.nodes.length - b.branches.length);
      // A sum of conv(+BN) and identity(+BN) branches folds into one conv (RepVGG, ACNet): reparam's own match at the join.
      const inBlock = new Set(b.nodes);
      const rep = matchReparam(graph, b.join);
      const repInBlock = !!rep && !rep.why && rep.adds.every((a) => a === b.join || inBlock.has(a)) && rep.branches.every((br) => (!br.conv || inBlock.has(br.conv)) && (!br.bn || inBlock.has(br.bn)));
      // Branch heads that read the fork with the same geometry merge: merge-parallel-convs' own match.
      const merge = matchMergeParallel(graph, b.fork, (c) => inBlock.has(c));
      const fix = repInBlock ? PASS_REFS.reparam : merge.length ? PASS_REFS.mergeParallelConvs : undefined;
      out.push({
        nodes: [b.join.name, ...b.nodes.map((n) => n.name)],
        message: `${b.branches.length} branches from '${b.fork}' to ${b.join.label}: ${perBranch.join(' + ')} operators, ${((madds / (totalMadds || 1)) * 100).toFixed(1)}% of the madds`,
        evidence: { branches: b.branches.length, operatorsPerBranch: perBranch.join(','), operators: b.nodes.length, maddsShare: madds / (totalMadds || 1), fork: b.fork, join: b.join.name },
        saving: { of: 'operators' as const, share: totalOps ? extra / totalOps : 0 },
        ...(fix ? { rewrite: fix } : {}),
      });
    }
    return out;
  },
};
