/** The commands that ask an index: search, related, recommend, show, list (through the request layer). */
import { Option, type Command } from "commander";
import { DEFAULT_CORPUS_DIR } from "../../settings.js";
import { DEFAULT_RELATED_BY, PapersError, RELATED_BYS, RELATED_MODE, SEARCH_MODES, type RelatedBy, openIndex, openOrBuildIndex, type PapersOptions } from "../../papers.js";
import { LIMITS } from "../../limits.js";
import { LOCAL, paperAnswer, relatedHitAnswers, relevantHitAnswer } from "../../requests/answers.js";
import { listPapers, showPaper } from "../../requests/papers.js";
import { recommendAnswerJson, recommendPapers } from "../../requests/recommend.js";
import { relatedPapers } from "../../requests/related.js";
import { searchFilter, searchPapers } from "../../requests/search.js";
import { formatHits, formatList, formatPaper, formatPassageHits, formatWhy, json, passageHitJson } from "../format.js";
import { formatRelatedHits } from "../format-citations.js";
import { filterFlags, filterOptions, formatOption, jsonOption, kOption, modeOption, textOption } from "../options.js";
import { printExport, readTextOption, run, withIndex, withProgress, type OutputFlags } from "../run.js";

const NO_CONFIDENT_MATCH = "No confident match: none of these papers is likely to answer the question (the closest are shown).";

export function addQueryCommands(program: Command): void {
  const search = program
    .command("search")
    .description("find the papers closest in meaning to a question (builds the seeds index on first use, in the default index folder only)")
    .argument("<question...>", "what you are looking for")
    .addOption(kOption())
    .addOption(modeOption());
  for (const option of filterOptions()) search.addOption(option);
  search
    .option("--passages", "list passages of full text (from PDFs) instead of papers")
    .addOption(jsonOption())
    .addOption(formatOption())
    .option("--explain", "show why each paper matches: its sentence closest to the question, and the question's words it has")
    .action(run(async (words: string[], flags: OutputFlags, options: PapersOptions) => {
      const index = await withProgress((progress) => openOrBuildIndex(options, [DEFAULT_CORPUS_DIR], progress));
      await withIndex(index, async () => {
        const filters = filterFlags(flags);
        const question = words.join(" ");
        if (flags.passages) {
          const passages = await index.searchPassages(question, flags.k, flags.mode, searchFilter(filters));
          console.log(flags.json ? json(passages.map(passageHitJson)) : formatPassageHits(passages));
          return;
        }
        const found = await searchPapers(index, { question, k: flags.k!, mode: flags.mode!, filters, explain: flags.explain });
        if (flags.format) return printExport(found.hits, flags.format);
        // "No confident match" goes to stderr too, so that a script reading stdout sees it without parsing.
        if (!found.confident && found.hits.length > 0) process.stderr.write(`papers: ${NO_CONFIDENT_MATCH}\n`);
        if (flags.json) {
          console.log(json(found.hits.map((hit) => relevantHitAnswer(hit, LOCAL))));
        } else {
          console.log((found.confident || found.hits.length === 0 ? "" : `${NO_CONFIDENT_MATCH}\n\n`) + formatHits(found.hits));
        }
      });
    }));

  program
    .command("related")
    .description("find the papers closest to one in the index, or to a text (--text)")
    .argument("[id]", "paper id or arXiv id")
    .addOption(kOption())
    .addOption(
      new Option("--mode <mode>", `dense (meaning), lexical (BM25 words) or hybrid (both, fused); default ${RELATED_MODE}, the best on arXiv (bench/related-mode.mjs)`)
        .choices(SEARCH_MODES)
        .default(RELATED_MODE),
    )
    .addOption(
      new Option("--by <what>", `meaning (the mode's similarity), citations (co-citation and coupling in your library) or both, fused; default ${DEFAULT_RELATED_BY} (bench/related-citations.mjs)`).choices(RELATED_BYS),
    )
    .addOption(textOption())
    .addOption(jsonOption())
    .addOption(formatOption())
    .action(run(async (id: string | undefined, flags: OutputFlags & { by?: RelatedBy }, options: PapersOptions) => {
      if ((id === undefined) === (flags.text === undefined)) throw new PapersError("BAD_OPTION", "give a paper id or --text, one of the two");
      await withIndex(await openIndex(options), async (index) => {
        const text = flags.text === undefined ? undefined : readTextOption(flags.text);
        const { hits } = await relatedPapers(index, { id, text, k: flags.k!, mode: flags.mode!, by: flags.by });
        if (flags.format) return printExport(hits, flags.format);
        console.log(flags.json ? json(relatedHitAnswers(hits, LOCAL)) : formatRelatedHits(hits));
      });
    }));

  program
    .command("recommend")
    .description("papers like the ones you like (and a text), unlike the ones you do not")
    .option("--like <ids...>", "papers you want more of")
    .option("--unlike <ids...>", "papers you want fewer of (a classifier is then trained against them)")
    .addOption(textOption())
    .addOption(kOption(LIMITS.recommendDefault))
    .addOption(jsonOption())
    .addOption(formatOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const text = flags.text === undefined ? undefined : readTextOption(flags.text);
        const result = await recommendPapers(index, { like: flags.like, unlike: flags.unlike, text, k: flags.k });
        if (flags.format && flags.format !== "json") return printExport(result.hits, flags.format);
        if (flags.json || flags.format) return console.log(json(recommendAnswerJson(result, LOCAL)));
        console.log(formatHits(result.hits));
        console.log(`\n${formatWhy(result)}`);
      });
    }));

  program
    .command("show")
    .description("show one paper")
    .argument("<id>", "paper id or arXiv id")
    .addOption(jsonOption())
    .addOption(formatOption())
    .action(run(async (id: string, flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const paper = await showPaper(index, id);
        // One paper: its JSON is the object `--json` prints, not a list of one.
        if (flags.format && flags.format !== "json") return printExport([paper], flags.format);
        console.log(flags.json || flags.format ? json(paperAnswer(paper, LOCAL)) : formatPaper(paper));
      });
    }));

  program
    .command("list")
    .description("list the papers in the index")
    .addOption(jsonOption())
    .addOption(formatOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const { papers } = await listPapers(index);
        if (flags.format) return printExport(papers, flags.format);
        console.log(flags.json ? json(papers.map((paper) => paperAnswer(paper, LOCAL))) : formatList(papers));
      });
    }));
}
