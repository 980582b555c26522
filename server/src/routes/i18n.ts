// The widget's and the inbox's catalogues as JSON: a browser fetches only the language it chose
// (English is bundled). Public and cacheable, like the bundles under /widget/.
import type { FastifyPluginAsync } from 'fastify';
import { catalogues } from '../../../widget/src/i18n/catalogues.js';
import { LANGUAGES, type Language } from '../../../widget/src/i18n/i18n.js';

const i18nRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { surface: string; file: string } }>(
    '/widget/i18n/:surface/:file',
    { schema: { hide: true } },
    async (request, reply) => {
      const { surface, file } = request.params;
      const lang = file.replace(/\.json$/, '') as Language;
      const catalogue = file.endsWith('.json') && LANGUAGES.includes(lang) ? catalogues[surface]?.[lang] : undefined;
      if (!catalogue || !Object.hasOwn(catalogues, surface)) return reply.callNotFound();
      return reply.header('cache-control', 'public, max-age=3600').send(catalogue);
    },
  );
};

export default i18nRoutes;
