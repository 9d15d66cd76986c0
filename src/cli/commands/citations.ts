/** The citation commands: a paper's references, and the library papers citing it (through the request layer). */
import type { Command } from "commander";
import { openIndex, type PapersOptions } from "../../papers.js";
import { LOCAL, citedByAnswerJson, referencesAnswerJson } from "../../requests/answers.js";
import { citingPapers, paperReferences, referencesToExport } from "../../requests/citations.js";
import { json } from "../format.js";
import { formatCitedBy, formatReferences } from "../format-citations.js";
import { formatOption, jsonOption } from "../options.js";
import { printExport, run, withIndex, type OutputFlags } from "../run.js";

export function addCitationCommands(program: Command): void {
  program
    .command("refs")
    .description("a paper's references, in order, with the papers of your library they name (read from PDFs and .bbl files)")
    .argument("<id>", "paper id or arXiv id")
    .addOption(jsonOption())
    .addOption(formatOption())
    .action(run(async (id: string, flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const answer = await paperReferences(index, id);
        // --format bibtex (or ris, csl-json, …): the list for a reference manager.
        if (flags.format && flags.format !== "json") return printExport(referencesToExport(answer), flags.format);
        console.log(flags.json || flags.format ? json(referencesAnswerJson(answer, LOCAL)) : formatReferences(answer));
      });
    }));

  program
    .command("cited-by")
    .description("the papers of your library whose references name this one")
    .argument("<id>", "paper id or arXiv id")
    .addOption(jsonOption())
    .action(run(async (id: string, flags: OutputFlags, options: PapersOptions) => {
      await withIndex(await openIndex(options), async (index) => {
        const answer = await citingPapers(index, id);
        console.log(flags.json ? json(citedByAnswerJson(answer, LOCAL)) : formatCitedBy(answer));
      });
    }));
}
