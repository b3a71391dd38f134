// The self-declaration page (/declare): the form, the region picker and the submission.
"use strict";
const TOKEN = document.querySelector('meta[name="doudi-declare-token"]').content;
const OPTIONS = {
  health: [["healthy", "健康"], ["chronic_illness", "慢性病"], ["serious_illness", "重病"], ["disabled", "残疾"]],
  occupation: [["unemployed", "无业/失业"], ["employed", "务工/就业"], ["self_employed", "个体经营"], ["farming", "务农"],
               ["student", "在校学生"], ["retired", "退休"], ["preschool", "学龄前"], ["other", "其他"]],
  laborAbility: [["full", "有劳动能力"], ["partial", "部分丧失"], ["none", "无劳动能力"]],
  relation: [["spouse", "配偶"], ["child", "子女"], ["parent", "父母"], ["sibling", "兄弟姐妹"], ["grandchild", "孙子女"], ["grandparent", "祖父母"], ["other", "其他"]],
};
const form = document.getElementById("form");
function fillSelect(sel) { for (const [v, t] of OPTIONS[sel.dataset.kind]) sel.add(new Option(t, v)); }
document.querySelectorAll("select[data-kind]").forEach(fillSelect);
let memberCount = 1;
function addMember() {
  const i = memberCount++;
  const div = document.createElement("div");
  div.className = "member";
  const field = (name, label, html) => `<label data-field="members[${i}].${name}">${label}${html}</label>`;
  div.innerHTML = field("relation", "与申请人关系", `<select name="members[${i}].relation" data-kind="relation"></select>`)
    + field("name", "姓名", `<input type="text" name="members[${i}].name">`)
    + field("idNumber", "身份证号码", `<input type="text" name="members[${i}].idNumber">`)
    + field("health", "健康状况", `<select name="members[${i}].health" data-kind="health"></select>`)
    + field("occupation", "就业状况", `<select name="members[${i}].occupation" data-kind="occupation"></select>`)
    + field("laborAbility", "劳动能力", `<select name="members[${i}].laborAbility" data-kind="laborAbility"></select>`);
  div.querySelectorAll("select[data-kind]").forEach(fillSelect);
  document.getElementById("members").insertBefore(div, document.getElementById("addMember"));
}
document.getElementById("addMember").onclick = addMember;

// The residence from the region directory: province → city → county → township (a
// municipality has no city level, Dongguan no counties: each select lists what is under the
// one before). Picking a township fills in its code; the code can still be typed or extended
// to a 12-digit village code, and is then named below it.
const LEVELS = { province: "省（自治区、直辖市）", city: "市（地区、自治州、盟）", county: "县（市、区、旗）", township: "乡镇（街道）" };
const picker = document.getElementById("regionPicker");
const codeInput = document.getElementById("regionCode");
const regionName = document.getElementById("regionName");
async function regions(path) {
  const reply = await fetch(path, { headers: { "Accept": "application/json" } });
  if (!reply.ok) return null;
  return reply.json();
}
async function addLevel(parent) {
  const data = await regions("/v1/regions" + (parent ? "?parent=" + encodeURIComponent(parent) : ""));
  if (!data || data.children.length === 0) return;
  const depth = picker.children.length;
  const label = document.createElement("label");
  const select = document.createElement("select");
  select.dataset.depth = String(depth);
  select.name = "";
  select.setAttribute("aria-label", LEVELS[data.children[0].level]);
  label.append(LEVELS[data.children[0].level], select);
  select.add(new Option("请选择", ""));
  for (const c of data.children) {
    const option = new Option(c.name + (c.abolished ? "（已撤销）" : ""), c.code);
    option.dataset.leaf = c.leaf ? "1" : "";
    option.dataset.level = c.level;
    select.add(option);
  }
  select.addEventListener("change", () => choose(select));
  picker.appendChild(label);
}
async function choose(select) {
  const depth = Number(select.dataset.depth);
  while (picker.children.length > depth + 1) picker.lastElementChild.remove();
  const option = select.selectedOptions[0];
  if (!option || !option.value) { codeInput.value = ""; regionName.textContent = ""; return; }
  if (option.dataset.level === "township") {
    codeInput.value = option.value;
    named();
  } else if (option.dataset.leaf) {
    // No townships listed under it: the resident completes the code.
    codeInput.value = option.value.length === 4 ? option.value + "00" : option.value;
    regionName.textContent = "目录中没有该地区的乡镇（街道），请补全 9 位乡镇代码";
  } else {
    codeInput.value = "";
    regionName.textContent = "";
    await addLevel(option.value);
  }
}
async function named() {
  const code = codeInput.value.trim();
  if (!/^\d{9}(\d{3})?$/.test(code)) { regionName.textContent = ""; return; }
  const data = await regions("/v1/regions/" + code);
  if (!data) { regionName.textContent = "区划目录中没有该代码"; return; }
  const names = data.chain.map(r => r.name).join(" / ");
  regionName.textContent = data.status === "unknown" ? names + " 之下没有该代码，请检查"
    : data.status === "retired" ? names + "（该代码已停用，提交后将说明现行区划）" : names;
}
codeInput.addEventListener("change", named);
addLevel("");

// "members[1].name" → ["members", 1, "name"]
function pathOf(name) { return name.split(/\.|\[|\]\.?/).filter(s => s !== "").map(s => /^\d+$/.test(s) ? Number(s) : s); }
function put(obj, path, value) {
  let o = obj;
  path.forEach((k, n) => {
    if (n === path.length - 1) { o[k] = value; return; }
    if (o[k] === undefined) o[k] = typeof path[n + 1] === "number" ? [] : {};
    o = o[k];
  });
}
function collect() {
  // The income block is required: left empty, it declares no income.
  const body = { channel: "self_declared", collectedAt: new Date().toISOString().slice(0, 10), income: {} };
  for (const el of form.elements) {
    if (!el.name) continue;  // the region selects have none: the code field carries the choice
    let v;
    if (el.type === "checkbox") v = el.checked;
    else if (el.value.trim() === "") continue;
    else if (el.hasAttribute("data-yuan")) v = Math.round(Number(el.value) * 100);
    else v = el.value;
    put(body, pathOf(el.name), v);
  }
  // The applicant is the household's first member (relation "self").
  body.members = body.members || [];
  body.members[0] = Object.assign(body.members[0] || {}, { relation: "self" });
  if (body.applicant) { body.members[0].name = body.applicant.name; body.members[0].idNumber = body.applicant.idNumber; }
  body.members = body.members.filter(m => m);
  return body;
}
function clearErrors() {
  document.querySelectorAll(".err.field").forEach(e => e.remove());
  document.querySelectorAll(".invalid").forEach(e => e.classList.remove("invalid"));
  document.getElementById("general").textContent = "";
}
function showErrors(errors) {
  const general = [];
  for (const e of errors) {
    // Errors on the applicant's own member row are shown at the applicant's fields.
    const field = e.field.replace(/^members\[0\]\.(name|idNumber)$/, "applicant.$1");
    const label = field && document.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (!label) { general.push((e.field ? e.field + "：" : "") + e.message); continue; }
    label.classList.add("invalid");
    // The applicant's number is checked as applicant and as member 0: say it once.
    if ([...label.querySelectorAll(".err.field")].some(d => d.dataset.code === e.code)) continue;
    const div = document.createElement("div");
    div.className = "err field";
    div.dataset.code = e.code;
    div.textContent = e.message;
    label.appendChild(div);
  }
  document.getElementById("general").textContent = general.join("；");
}
async function submit(ev) {
  if (ev) ev.preventDefault();
  clearErrors();
  const result = document.getElementById("result");
  result.innerHTML = "";
  let reply, data;
  try {
    reply = await fetch("/v1/submissions", { method: "POST", headers: { "Content-Type": "application/json", "Authorization": "Bearer " + TOKEN }, body: JSON.stringify(collect()) });
    data = await reply.json();
  } catch (err) {
    result.innerHTML = '<div class="bad">网络错误，请稍后重试。</div>';
    return;
  }
  if (reply.status === 202) {
    result.innerHTML = '<div class="ok">申报已受理。申请编号：<b id="submissionId"></b><br>请保存编号以便查询。<div id="warnings"></div></div>';
    document.getElementById("submissionId").textContent = data.submissionId;
    for (const w of data.warnings || []) {
      const div = document.createElement("div");
      div.className = "warn";
      div.textContent = w.message;
      document.getElementById("warnings").appendChild(div);
    }
    form.hidden = true;
  } else {
    result.innerHTML = '<div class="bad" id="rejected">申报信息有误，请按提示修改后重新提交。</div>';
    showErrors(data.errors || []);
  }
}
form.addEventListener("submit", submit);

