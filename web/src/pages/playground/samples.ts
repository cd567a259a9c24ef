// Sample texts for the playground, written for this project.

export interface Sample {
  title: string;
  text: string;
}

export const SUMMARY_SAMPLES: Sample[] = [
  {
    title: "City library opens at night",
    text:
      "The central library of Lindenfeld will stay open until midnight on weekdays from next month, the city council decided on Tuesday. " +
      "The change follows a year-long trial at two branch libraries, where evening visits grew by forty percent and most visitors were students and shift workers. " +
      "The council expects the longer hours to cost about 310,000 euros a year, mostly for staff and security. " +
      "Part of the money comes from closing the old archive building, whose collection moves to the main library in the spring. " +
      "Librarians will run homework clinics on two evenings a week, and the reading rooms on the second floor will be kept quiet after nine. " +
      "Some residents of the old town worry about noise in the square outside, and the council promised to review the hours after six months. " +
      "The mayor called the decision a small change that makes the library fit the way people live now.",
  },
  {
    title: "Team retrospective notes",
    text:
      "This sprint the team shipped the new invoice export and fixed the login timeout that support had flagged for weeks. " +
      "Two stories slipped because the payment provider changed its test environment without notice, which cost us three days of debugging. " +
      "Code review times went down after we agreed to review before starting new work each morning. " +
      "The on-call rotation was quiet, with one alert caused by a full disk on the reporting server. " +
      "For the next sprint we will add alerts for disk usage, ask the provider for a change calendar, and pair on the remaining export formats. " +
      "Everyone agreed the planning meeting was too long and will try a shorter format with estimates prepared in advance.",
  },
  {
    title: "Heat pump buying guide",
    text:
      "A heat pump moves heat instead of making it, which is why it can deliver three or four units of heat for each unit of electricity it uses. " +
      "Air-source models are the cheapest to install and suit most houses, while ground-source models cost more up front but run more efficiently in cold winters. " +
      "The most important step is a proper heat-loss survey, because an oversized pump cycles on and off and wears out sooner. " +
      "Radiators may need replacing with larger ones, since heat pumps work best at lower flow temperatures. " +
      "Many regions offer grants that cover part of the installation, but they often require an accredited installer. " +
      "Ask installers for the expected seasonal efficiency, the noise level of the outdoor unit and the length of the warranty before you sign.",
  },
];

export const CLASSIFY_SAMPLES: Sample[] = [
  {
    title: "Trail running shoes review",
    text:
      "We tested six pairs of trail running shoes over three months of muddy forest paths and rocky mountain climbs. " +
      "The lightest pair weighed just 240 grams and felt fast on dry ground, but its thin outsole wore through after 300 kilometres. " +
      "Our favourite combined a rock plate with deep lugs that gripped well on wet roots, and the wide toe box kept our feet comfortable on long descents. " +
      "If you race ultramarathons, look for extra cushioning and a secure heel; for short runs, a lighter shoe with a lower drop is more fun. " +
      "Prices ranged from 110 to 180 dollars, and the mid-priced pair offered the best value for most runners.",
  },
  {
    title: "Weeknight pasta recipe",
    text:
      "This lemon and garlic pasta is ready in twenty minutes and needs only a few pantry ingredients. " +
      "Cook the spaghetti in well salted water, and while it boils, gently fry sliced garlic in olive oil until it turns golden. " +
      "Add the zest and juice of a lemon, a ladle of the pasta water and a handful of grated parmesan, then toss the drained pasta in the pan until glossy. " +
      "Finish with black pepper, chopped parsley and toasted breadcrumbs for crunch. " +
      "For a vegetarian dinner with more protein, stir in white beans or serve it with a green salad.",
  },
  {
    title: "Mortgage rates explained",
    text:
      "Mortgage rates rose again this quarter as central banks kept interest rates high to fight inflation. " +
      "For first-time buyers, the difference between a fixed and a variable rate now matters more than ever: a fixed rate protects your monthly payment, while a variable rate may fall if inflation cools. " +
      "Lenders also look closely at your credit score, your deposit and your debt-to-income ratio before they approve a loan. " +
      "Before you apply, compare offers from several banks and brokers, check the fees as well as the rate, and use a mortgage calculator to see what you can afford.",
  },
];
