/** The commands that describe an index or score it: info, topics, map, eval. */
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { evaluate } from "../../eval/evaluate.js";
import { PapersError, imageFormatOf, openIndex, type PapersOptions } from "../../papers.js";
import { evalJson, formatEval, formatInfo, formatTopics, json } from "../format.js";
import { jsonOption, modeOption } from "../options.js";
import { parseCount, run, withIndex, withProgress, type OutputFlags } from "../run.js";

export function addDescribeCommands(program: Command): void {
  program
    .command("info")
    .description("describe the index: model, dimension, paper count, path, size")
    .addOption(jsonOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const info = await index.info();
        console.log(flags.json ? json(info) : formatInfo(info));
      });
    }));

  program
    .command("topics")
    .description("list the topics of the index: label, size and 3 representative papers, largest first")
    .addOption(jsonOption())
    .action(run(async (flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const topics = await index.topics();
        console.log(flags.json ? json(topics) : formatTopics(topics));
      });
    }));

  program
    .command("map")
    .description("draw the map of the index (papers coloured by topic, topics labelled) as an SVG or PNG picture")
    .requiredOption("--out <file>", "the picture to write: map.svg or map.png")
    .option("--size <pixels>", "width and height of the picture", parseCount, 1600)
    .action(run(async (outputFlags: OutputFlags, options: PapersOptions) => {
      const flags = outputFlags as OutputFlags & { out: string; size: number };
      const format = imageFormatOf(flags.out);
      await withIndex(await openIndex(options), async (index) => {
        const image = await index.mapImage(format, { size: flags.size });
        try {
          writeFileSync(flags.out, image);
        } catch (error) {
          throw new PapersError("BAD_OPTION", `cannot write ${flags.out}: ${(error as Error).message}`);
        }
        const { count } = index.info();
        console.log(`wrote ${flags.out}: ${count} papers, ${(await index.topics()).length} topics`);
      });
    }));

  program
    .command("eval")
    .description("score retrieval on a BEIR-layout dataset: nDCG@10, Recall@100, MRR@10")
    .argument("<dir>", "folder with corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
    .option("--split <name>", "which qrels file to score", "test")
    .addOption(modeOption())
    .addOption(jsonOption())
    .action(run(async (dir: string, flags: OutputFlags, options: PapersOptions) => {
      const report = await withProgress((progress) => evaluate(dir, { ...options, split: flags.split, mode: flags.mode }, progress));
      console.log(flags.json ? json(evalJson(report)) : formatEval(report));
    }));
}
