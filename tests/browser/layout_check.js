// Layout check run in the page: what spills out sideways, and which words break across lines.
// Returns a list of short French-free descriptions (tests print them), empty when the page is right.
() => {
  const TOLERANCE = 1; // px: rounding of sub-pixel layout
  const problems = [];

  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    if (el.classList.length) text += "." + [...el.classList].join(".");
    const parent = el.parentElement;
    if (parent && parent !== document.body) {
      let p = parent.tagName.toLowerCase();
      if (parent.classList.length) p += "." + [...parent.classList].join(".");
      text = p + " > " + text;
    }
    return text;
  };

  // Content hidden on purpose (screen-reader only text, off-screen skip links, closed details):
  // not laid out for the eye, so not checked.
  const hiddenOnPurpose = (el) => {
    for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return true;
      if (style.clip && style.clip !== "auto") return true;
      if (style.clipPath && style.clipPath !== "none") return true;
      const rect = node.getBoundingClientRect();
      if (style.position === "absolute" && (rect.right <= 0 || rect.width <= 1)) return true;
    }
    return false;
  };

  const clips = (style) => style.overflowX !== "visible";
  const hidden = new Map();
  const isHidden = (el) => {
    if (!hidden.has(el)) hidden.set(el, hiddenOnPurpose(el));
    return hidden.get(el);
  };

  // 1. The page itself scrolls sideways.
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + TOLERANCE) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }

  // 2. An element wider than its box: a scroll container whose content is wider than itself,
  //    or an element sticking out of its parent.
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "TEMPLATE", "OPTION", "BR"].includes(el.tagName)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.display === "contents") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (isHidden(el)) continue;
    if (clips(style) && el.scrollWidth > el.clientWidth + TOLERANCE) {
      problems.push(
        `${describe(el)} scrolls sideways: content ${el.scrollWidth}px in ${el.clientWidth}px`
      );
      continue;
    }
    if (style.position === "fixed") continue;
    // The box the element is laid out in: its nearest ancestor that is not inline, or for an
    // absolutely positioned element, its containing block.
    let box = el.parentElement;
    if (style.position === "absolute") {
      box = el.offsetParent;
    } else {
      while (box && ["inline", "contents"].includes(getComputedStyle(box).display)) {
        box = box.parentElement;
      }
    }
    if (!box || box === document.documentElement) continue;
    const boxStyle = getComputedStyle(box);
    if (clips(boxStyle)) continue; // reported above when its content is wider than itself
    const outer = box.getBoundingClientRect();
    const left = outer.left + parseFloat(boxStyle.borderLeftWidth);
    const right = outer.right - parseFloat(boxStyle.borderRightWidth);
    const past = Math.max(left - rect.left, rect.right - right);
    if (past > TOLERANCE) {
      problems.push(`${describe(el)} sticks out of ${describe(box)} by ${Math.round(past)}px`);
    }
  }

  // 3. A word broken across lines ("dépass|é", "septe|mbre"). A break at a hyphen or a slash
  //    is a legitimate one, so words are the runs between spaces, hyphens and slashes.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const broken = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ["SCRIPT", "STYLE", "TEXTAREA", "OPTION", "SELECT"].includes(parent.tagName)) continue;
    if (isHidden(parent)) continue;
    const text = node.data;
    const word = /[^\s\-\u2010\u2011\u00ad/]{2,}/g;
    for (let match = word.exec(text); match; match = word.exec(text)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (rects.length < 2) continue;
      const tops = rects.map((r) => r.top);
      const height = Math.min(...rects.map((r) => r.height));
      if (Math.max(...tops) - Math.min(...tops) > height / 2) {
        const lines = [];
        for (const r of rects) {
          if (!lines.some((top) => Math.abs(top - r.top) <= height / 2)) lines.push(r.top);
        }
        broken.add(`"${match[0]}" broken over ${lines.length} lines in ${describe(parent)}`);
      }
    }
  }
  problems.push(...broken);
  return problems;
}
