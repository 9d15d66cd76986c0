/**
 * The smaller holes of issue 12 outside the server: BM25 over Chinese and Japanese, empty
 * filters, and `list` padding every line to its longest id.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatList } from "../src/cli/format.js";
import { newPaper, type Paper } from "../src/corpus/paper.js";
import { FORMAT_VERSION } from "../src/store/shared/manifest.js";
import { indexPaperList, isPapersError, openIndex, type PaperIndex } from "../src/papers.js";
import { documentTerms, queryTerms } from "../src/ranking/analyzer.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const paper = (id: string, title: string, abstract: string): Paper => newPaper({ id, title, abstract, sources: [] });

const PAPERS = [
  paper("zh-vision", "深度学习在图像识别中的应用", "本文研究卷积神经网络在图像识别任务中的表现，并提出一种新的数据增强方法。"),
  paper("zh-climate", "气候变化对农业的影响", "我们分析了过去五十年气温升高对中国北方小麦产量的影响。"),
  paper("ja-nlp", "自然言語処理のための事前学習", "大規模なテキストで事前学習した言語モデルを、少量のデータで翻訳タスクに適応させる。"),
  paper("ja-quantum", "量子コンピュータの誤り訂正", "表面符号を用いた量子誤り訂正で、論理量子ビットの寿命を延ばす実験を報告する。"),
  paper("en-ice", "Arctic sea ice", "Sea ice extent in the Arctic shrinks each September."),
  paper("en-vision", "Image recognition with deep learning", "Convolutional networks recognise images after training on labelled data."),
];

describe("BM25 finds Chinese and Japanese", () => {
  const indexDir = join(tempDir("papers-cjk-"), "index");
  const options = { indexDir, embedder: hashEmbedderLoader() };
  let index: PaperIndex;

  beforeAll(async () => {
    await indexPaperList(PAPERS, [], options);
    index = await openIndex(options);
    return () => index.close();
  });

  it("a Chinese question finds the Chinese paper it is about, lexically", async () => {
    const hits = await index.search("卷积神经网络如何识别图像？", 3, "lexical");
    expect(hits[0]?.id).toBe("zh-vision");
    expect((await index.search("气温升高和小麦产量", 3, "lexical"))[0]?.id).toBe("zh-climate");
  });

  it("a Japanese question finds the Japanese paper it is about, lexically", async () => {
    const hits = await index.search("量子誤り訂正の実験", 3, "lexical");
    expect(hits[0]?.id).toBe("ja-quantum");
    expect((await index.search("言語モデルの事前学習", 3, "lexical"))[0]?.id).toBe("ja-nlp");
  });

  it("splits CJK runs into bigrams, leaves English as it was", () => {
    expect(queryTerms("深度学习")).toEqual(["深度", "度学", "学习"]);
    expect(documentTerms("量子コンピュータ")).toEqual(["量子", "子コ", "コン", "ンピ", "ピュ", "ュー", "ータ"]);
    expect(documentTerms("深")).toEqual(["深"]);
    expect(documentTerms("GPT-4で翻訳")).toEqual(["gpt", "4", "で翻", "翻訳"]);
    // Voiced kana keep their mark (ガ is not カ); Hangul stays in syllables.
    expect(documentTerms("ガス")).toEqual(["ガス"]);
    expect(documentTerms("한국어")).toEqual(["한국", "국어"]);
    const english = "Décoding naïve transformers' latency, faster decoders: 3.5x";
    expect(documentTerms(english)).toEqual(documentTerms(english, { cjkBigrams: false }));
    // Format 3 indexes keep being read as they were written: a CJK run is one term.
    expect(documentTerms("深度学习", { cjkBigrams: false })).toEqual(["深度学习"]);
  });

  it("an index of format 3 (CJK runs whole) is upgraded by the next index run, embedding nothing", async () => {
    const generation = join(indexDir, readFileSync(join(indexDir, "CURRENT"), "utf8").trim());
    const manifestPath = join(generation, "manifest.json");
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, "utf8")), formatVersion: 3 }));
    const old = await openIndex(options);
    expect(old.manifest.formatVersion).toBe(3);
    await old.close();
    const summary = await indexPaperList(PAPERS, [], options);
    expect(summary).toMatchObject({ embedded: 0, unchanged: PAPERS.length });
    expect(summary.manifest.formatVersion).toBe(FORMAT_VERSION);
    const upgraded = await openIndex(options);
    try {
      expect((await upgraded.search("卷积神经网络", 1, "lexical"))[0]?.id).toBe("zh-vision");
    } finally {
      await upgraded.close();
    }
  });
});

describe("empty filters are errors", () => {
  const indexDir = join(tempDir("papers-filter-"), "index");
  const options = { indexDir, embedder: hashEmbedderLoader() };

  for (const [key, value] of [["category", ""], ["author", ""], ["category", "  "]] as const) {
    it(`${key} "${value}"`, async () => {
      await indexPaperList(PAPERS, [], options);
      const index = await openIndex(options);
      try {
        const error = await index.search("ice", 3, "hybrid", { [key]: value }).catch((e: unknown) => e);
        expect(isPapersError(error) && error.code).toBe("BAD_OPTION");
        expect((error as Error).message).toMatch(new RegExp(`^${key} is empty`));
      } finally {
        await index.close();
      }
    });
  }
});

describe("list", () => {
  it("does not pad every line to the longest id", () => {
    const long = "x".repeat(150);
    const lines = formatList([paper("a-1", "Short id", "A."), paper(long, "Long id", "B."), paper("2401.00001", "ArXiv id", "C.")]).split("\n");
    expect(lines[0]).toBe("a-1         Short id");
    expect(lines[1]).toBe(`${long}  Long id`);
    expect(lines[2]).toBe("2401.00001  ArXiv id");
  });
});
